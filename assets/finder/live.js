// A small graphql-transport-ws client (the protocol graphql-ws speaks): connection_init,
// connection_ack, subscribe/next/error/complete, ping/pong. One WebSocket to /graphql for
// the page; after a lost connection it reconnects and subscribes again.

export function liveClient(path = '/graphql') {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
  const active = new Map(); // id -> { payload, onNext }
  let socket = null;
  let acked = false;
  let nextId = 1;
  let retry = 1000;

  function connect() {
    socket = new WebSocket(url, 'graphql-transport-ws');
    acked = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    socket.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === 'connection_ack') {
        acked = true;
        retry = 1000;
        for (const [id, sub] of active) send({ id, type: 'subscribe', payload: sub.payload });
      } else if (msg.type === 'ping') {
        send({ type: 'pong' });
      } else if (msg.type === 'next') {
        active.get(msg.id)?.onNext(msg.payload);
      } else if (msg.type === 'error' || msg.type === 'complete') {
        active.get(msg.id)?.onDone?.();
        active.delete(msg.id);
      }
    };
    socket.onclose = () => {
      socket = null;
      if (active.size) setTimeout(() => { if (!socket && active.size) connect(); }, retry = Math.min(retry * 2, 30000));
    };
  }

  function send(msg) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
  }

  return {
    // Starts a subscription; returns its stop function.
    subscribe(query, variables, onNext) {
      const id = String(nextId++);
      active.set(id, { payload: { query, variables }, onNext });
      if (!socket) connect();
      else if (acked) send({ id, type: 'subscribe', payload: { query, variables } });
      return () => {
        if (active.delete(id)) send({ id, type: 'complete' });
      };
    },
    // Resolves once the server has taken every subscription started before: it handles a
    // connection's messages in order, so the answer to a query sent after them comes after.
    listening() {
      return new Promise((resolve) => {
        const id = String(nextId++);
        const payload = { query: '{ __typename }', variables: {} };
        active.set(id, { payload, onNext() {}, onDone: resolve });
        if (!socket) connect();
        else if (acked) send({ id, type: 'subscribe', payload });
      });
    },
  };
}
