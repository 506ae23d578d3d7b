//! Work shared out among the machine's cores, for the steps of an import that handle every
//! record or listing on its own: a Meeting Guide feed's records here, and in the service the
//! matcher's features and keys and the diff's hashes and keys (it uses this module as
//! `supportmesh::parallel`). Pure: threads, no IO.

/// Below this many items, threads cost more than they save.
pub const PARALLEL_FROM: usize = 4096;

/// `f` over `items` in order, on every core when there are enough of them.
pub fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = threads();
    if items.len() < PARALLEL_FROM || threads < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles.into_iter().flat_map(join).collect()
    })
}

/// `f` on every item, in place, on every core when there are enough of them.
pub fn par_for_each<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync) {
    let threads = threads();
    if items.len() < PARALLEL_FROM || threads < 2 {
        return items.iter_mut().for_each(f);
    }
    let f = &f;
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks_mut(size).map(|chunk| s.spawn(move || chunk.iter_mut().for_each(f))).collect();
        handles.into_iter().for_each(join);
    })
}

/// A worker's result; a panic in a worker goes on in the caller.
pub fn join<R>(h: std::thread::ScopedJoinHandle<'_, R>) -> R {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The cores this process may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threaded_paths_keep_every_item_in_its_place() {
        let items: Vec<u64> = (0..(PARALLEL_FROM as u64 * 3 + 7)).collect();
        assert_eq!(par_map(&items, |i| i * 2), items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let mut doubled = items.clone();
        par_for_each(&mut doubled, |i| *i *= 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
}
