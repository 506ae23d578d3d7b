//! Tests for loading and validating configuration: a good file, one bad value per key (each
//! message must name the file or variable, the key and the fix), environment overrides,
//! relative paths and cron normalisation. The committed default config is checked too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use importers::{Format, GroupKind, Topic};

use super::*;

const ORIGIN: &str = "conf/test.toml";

const GOOD: &str = r#"
[server]
listen = "0.0.0.0:9000"
max_page_size = 50
[store]
path = "/var/lib/supportmesh"
[fetch]
timeout_secs = 5
retries = 1
block_private_networks = true
[ingest]
missing_grace_days = 7
max_removal_share = 0.25

[[sources]]
id = "sepa"
name = "SE Pennsylvania AA"
format = "meeting_guide"
url = "https://sepennaa.org/wp-admin/admin-ajax.php?action=meetings"
schedule = "0 3 * * *"
trust = 80
[sources.defaults]
timezone = "America/New_York"
country = "us"
topics = ["alcohol", "Family-and-Friends"]
kind = "twelve_step"
[sources.codes]
S = "ST"

[[sources]]
id = "local_demo-1"
format = "meeting_guide"
url = "demo/local.json"
enabled = false
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn error_for(text: &str) -> String {
    match Settings::from_toml_str(text, Path::new(ORIGIN)) {
        Ok(settings) => panic!("expected an error, got {settings:?}"),
        Err(err) => err.to_string(),
    }
}

fn source_with(extra: &str) -> String {
    format!("[[sources]]\nid = \"sepa\"\nformat = \"meeting_guide\"\nurl = \"https://example.org/feed\"\n{extra}\n")
}

#[test]
fn good_config_validates_into_runtime_values() {
    let settings = Settings::from_toml_str(GOOD, Path::new(ORIGIN)).expect("valid");

    assert_eq!(settings.server.listen, "0.0.0.0:9000".parse().unwrap());
    assert_eq!(settings.server.max_page_size, 50);
    assert_eq!(settings.server.max_query_depth, 20, "default");
    assert_eq!(settings.server.ready_after, Duration::from_secs(300), "default");
    assert_eq!(settings.server.instance_id, None, "default: the store's own");
    assert_eq!(settings.ingest.max_peer_pages, 10_000, "default");
    assert_eq!(settings.server.map_tiles.as_deref(), Some("https://tile.openstreetmap.org/{z}/{x}/{y}.png"), "default");
    assert_eq!(settings.store.path, PathBuf::from("/var/lib/supportmesh"));
    assert_eq!(settings.fetch.timeout, Duration::from_secs(5));
    assert_eq!(settings.fetch.max_body_bytes, 20_000_000, "default");
    assert!(settings.fetch.block_private_networks);
    assert_eq!(settings.ingest.missing_grace, Duration::from_secs(7 * 86_400));
    assert_eq!(settings.operator_token, None);

    let sepa = &settings.sources[0];
    assert_eq!(
        (sepa.id.as_str(), sepa.name.as_str(), sepa.format),
        ("sepa", "SE Pennsylvania AA", Format::MeetingGuide)
    );
    assert!(matches!(&sepa.location, SourceLocation::Http(url) if url.host_str() == Some("sepennaa.org")));
    assert_eq!(sepa.schedule, "0 0 3 * * *", "5-field cron gets seconds");
    assert_eq!(sepa.trust, 80);
    assert_eq!(sepa.options.timezone, "America/New_York");
    assert_eq!(sepa.options.country.as_deref(), Some("US"));
    assert_eq!(sepa.options.topics, vec![Topic::ALCOHOL, Topic::FAMILY_AND_FRIENDS]);
    assert_eq!(sepa.options.kind, Some(GroupKind::TwelveStep));
    assert_eq!(sepa.options.code_overrides.get("S").map(String::as_str), Some("ST"));

    let local = &settings.sources[1];
    assert_eq!(local.name, "local_demo-1", "name defaults to the id");
    assert_eq!(local.location, SourceLocation::File(PathBuf::from("conf/demo/local.json")));
    assert!(!local.enabled);
    assert_eq!((local.trust, local.schedule.as_str(), local.options.timezone.as_str()), (50, "0 0 */6 * * *", "UTC"));
    assert_eq!(settings.enabled_sources().count(), 1);
}

#[test]
fn empty_file_and_default_give_the_built_in_defaults() {
    let settings = Settings::from_toml_str("", Path::new(ORIGIN)).expect("valid");
    assert_eq!(settings.fetch.local_roots, [PathBuf::from("conf")], "local files: the config file's directory");
    assert_eq!(Settings::default().fetch.local_roots, [PathBuf::from(".")], "no file: the current directory");
    let mut built_in = Settings::default();
    built_in.fetch.local_roots = settings.fetch.local_roots.clone();
    // Sources defined through the API resolve relative paths against the file's directory too.
    built_in.source_validator = settings.source_validator.clone();
    assert_eq!(settings, built_in);
    assert_eq!(settings.server.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.store.path, PathBuf::from("data/supportmesh.sled"));
    assert_eq!(settings.fetch.retries, 2);
    assert!(settings.sources.is_empty());
}

#[test]
#[rustfmt::skip] // a table: one bad value per row, then what its message must contain
fn each_bad_value_names_file_key_and_fix() {
    let cases: Vec<(String, &[&str])> = vec![
        ("[server]\nlisten = \"localhost\"".into(), &["conf/test.toml", "server.listen = \"localhost\"", "127.0.0.1:8080"]),
        ("[server]\nmax_page_size = 0".into(), &["server.max_page_size = 0", "at least 1"]),
        ("[server]\nmax_websocket_backlog = 0".into(), &["server.max_websocket_backlog = 0", "at least 1"]),
        ("[server]\nmax_websocket_backlog = 1000000".into(), &["server.max_websocket_backlog = 1000000", "at most 65536", "stopped reading"]),
        ("[store]\ncache_mb = 0".into(), &["store.cache_mb = 0", "at least 8"]),
        ("[store]\ncache_mb = 100000".into(), &["store.cache_mb = 100000", "at most 65536"]),
        ("[server]\ncors_origins = [\"https://a.example.org/app\"]".into(), &["server.cors_origins = \"https://a.example.org/app\"", "scheme://host[:port]"]),
        ("[server]\nmap_tiles = \"tiles.example.org\"".into(), &["server.map_tiles = \"tiles.example.org\"", "{z}, {x} and {y}"]),
        ("[server]\ninstance_id = \"north intergroup\"".into(), &["server.instance_id = \"north intergroup\"", "1 to 64 letters"]),
        ("[ingest]\nmax_peer_pages = 0".into(), &["ingest.max_peer_pages = 0", "at least 1"]),
        ("[fetch]\ntimeout_secs = 0".into(), &["fetch.timeout_secs = 0"]),
        ("[ingest]\nmax_removal_share = 1.5".into(), &["ingest.max_removal_share = 1.5", "between 0.0 and 1.0"]),
        ("[server]\nlistn = \"x\"".into(), &["conf/test.toml", "unknown field `listn`", "listen"]),
        ("[[sources]]\nformat = \"meeting_guide\"\nurl = \"a.json\"".into(), &["sources[0].id is missing"]),
        ("[[sources]]\nid = \"SEPA\"".into(), &["sources[0].id = \"SEPA\"", "lower-case"]),
        (format!("{}{}", source_with(""), source_with("")), &["sources[1].id = \"sepa\"", "duplicate", "sources[0]"]),
        (source_with("format = \"gopher\"").replace("format = \"meeting_guide\"\n", ""), &["sources.sepa.format = \"gopher\"", "meeting_guide"]),
        ("[[sources]]\nid = \"sepa\"\nurl = \"a.json\"".into(), &["sources.sepa.format is missing", "meeting_guide"]),
        ("[[sources]]\nid = \"sepa\"\nformat = \"meeting_guide\"".into(), &["sources.sepa.url is missing"]),
        (source_with("").replace("https://", "ftp://"), &["sources.sepa.url", "unsupported scheme \"ftp\"", "https://"]),
        (source_with("schedule = \"0 3 * *\""), &["sources.sepa.schedule = \"0 3 * *\"", "not a valid cron expression", "expected 6 fields: sec min hour day month weekday, e.g. \"0 0 3 * * *\""]),
        (source_with("schedule = \"0 0 25 * * *\""), &["sources.sepa.schedule", "not a valid cron expression"]),
        (source_with("trust = 101"), &["sources.sepa.trust = 101", "0 to 100"]),
        (source_with("trust = -1"), &["sources.sepa.trust = -1"]),
        (source_with("[sources.defaults]\ntimezone = \"America/Nowhere\""), &["conf/test.toml: sources.sepa.defaults.timezone = \"America/Nowhere\"", "IANA"]),
        (source_with("[sources.defaults]\ntopics = [\"alcohol\", \"booze\"]"), &["sources.sepa.defaults.topics = \"booze\"", "eating_disorders"]),
        (source_with("[sources.defaults]\nkind = \"cult\""), &["sources.sepa.defaults.kind = \"cult\"", "twelve_step"]),
        (source_with("[sources.defaults]\ncountry = \"USA\""), &["sources.sepa.defaults.country = \"USA\"", "alpha-2"]),
        (source_with("colour = \"blue\""), &["unknown field `colour`"]),
        (source_with("[sources.defaults]\ntopics = [\"long-covid\"]"), &["sources.sepa.defaults.topics = \"long-covid\"", "unknown topic", "[[topics]] code = \"long_covid\" label = \"Long covid\""]),
        ("[[topics]]\nlabel = \"Loneliness\"".into(), &["conf/test.toml: topics[0].code is missing", "code = \"loneliness\""]),
        ("[[topics]]\ncode = \"Lone Liness\"\nlabel = \"Loneliness\"".into(), &["topics[0].code = \"Lone Liness\"", "lower-case letters, digits and '_'", "\"lone_liness\""]),
        ("[[topics]]\ncode = \"lonely!\"\nlabel = \"Loneliness\"".into(), &["topics[0].code = \"lonely!\"", "e.g. \"loneliness\""]),
        ("[[topics]]\ncode = \"loneliness\"".into(), &["topics[0].label is missing", "label = \"Loneliness\""]),
        ("[[topics]]\ncode = \"loneliness\"\nlabel = \" \"".into(), &["topics[0].label = \" \"", "English name"]),
        ("[[topics]]\ncode = \"alcohol\"\nlabel = \"Booze\"".into(), &["topics[0].code = \"alcohol\"", "already a core topic", "remove this entry"]),
        ("[[topics]]\ncode = \"loneliness\"\nlabel = \"A\"\n[[topics]]\ncode = \"loneliness\"\nlabel = \"B\"".into(), &["topics[1].code = \"loneliness\"", "duplicate", "topics[0]"]),
        ("[[topics]]\ncode = \"loneliness\"\nlabel = \"Loneliness\"\nparent = \"wellbeing\"".into(), &["topics[0].parent = \"wellbeing\"", "not a known topic", "\"mental_health\"", "leave parent out"]),
        ("[[topics]]\ncode = \"loneliness\"\nlabel = \"Loneliness\"\nparent = \"?\"".into(), &["topics[0].parent = \"?\"", "not a topic code"]),
        ("[[topics]]\ncode = \"a\"\nlabel = \"A\"\nparent = \"b\"\n[[topics]]\ncode = \"b\"\nlabel = \"B\"\nparent = \"a\"".into(), &["topics[0].parent = \"b\"", "its own ancestor (a -> b -> a)", "another parent or none"]),
        ("[[topics]]\ncode = \"a\"\nlabel = \"A\"\nparent = \"a\"".into(), &["topics[0].parent = \"a\"", "(a -> a)"]),
        ("[[topics]]\ncode = \"a\"\nlabel = \"A\"\ncolour = \"blue\"".into(), &["unknown field `colour`", "parent"]),
    ];
    for (text, expected) in cases {
        let message = error_for(&text);
        for part in expected {
            assert!(message.contains(part), "message {message:?} lacks {part:?} (config:\n{text})");
        }
    }
}

#[test]
fn environment_overrides_apply_before_validation() {
    let vars = env(&[
        ("SUPPORTMESH_SERVER_LISTEN", "127.0.0.1:0"),
        ("SUPPORTMESH_STORE_PATH", "/tmp/store"),
        ("SUPPORTMESH_FETCH_TIMEOUT_SECS", "3"),
        ("SUPPORTMESH_FETCH_BLOCK_PRIVATE_NETWORKS", "false"),
        ("SUPPORTMESH_INGEST_MAX_REMOVAL_SHARE", "0.9"),
        ("SUPPORTMESH_SOURCES_LOCAL_DEMO_1_ENABLED", "true"),
        ("SUPPORTMESH_SOURCES_SEPA_URL", "file:///srv/sepa.json"),
        ("SUPPORTMESH_SOURCES_SEPA_SCHEDULE", "*/5 * * * *"),
        ("SUPPORTMESH_SOURCES_SEPA_TRUST", "10"),
        ("SUPPORTMESH_SERVER_MAX_WEBSOCKET_BACKLOG", "32"),
        ("SUPPORTMESH_STORE_CACHE_MB", "256"),
        ("SUPPORTMESH_OPERATOR_TOKEN", "s3cret"),
        ("SUPPORTMESH_LOG", "ignored: not a config section"),
        ("PATH", "/usr/bin"),
    ]);
    let settings = Settings::from_toml_str_with_env(GOOD, Path::new(ORIGIN), vars).expect("valid");

    assert_eq!(settings.server.listen.port(), 0);
    assert_eq!(settings.server.max_websocket_backlog, 32);
    assert_eq!(settings.store.path, PathBuf::from("/tmp/store"));
    assert_eq!(settings.store.cache_bytes, 256 << 20, "SUPPORTMESH_STORE_CACHE_MB, in MiB");
    assert_eq!(settings.fetch.timeout, Duration::from_secs(3));
    assert!(!settings.fetch.block_private_networks);
    assert_eq!(settings.ingest.max_removal_share, 0.9);
    let sepa = settings.source("sepa").expect("sepa");
    assert_eq!(sepa.location, SourceLocation::File(PathBuf::from("/srv/sepa.json")));
    assert_eq!((sepa.schedule.as_str(), sepa.trust), ("0 */5 * * * *", 10));
    assert!(settings.source("local_demo-1").expect("local").enabled);
    assert_eq!(settings.operator_token.as_deref(), Some("s3cret"));
    assert!(!format!("{settings:?}").contains("s3cret"), "Debug must not print the token");
}

#[test]
fn environment_errors_name_the_variable() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("SUPPORTMESH_FETCH_RETRIES", "two", &["SUPPORTMESH_FETCH_RETRIES=\"two\"", "whole number"]),
        ("SUPPORTMESH_FETCH_BLOCK_PRIVATE_NETWORKS", "maybe", &["SUPPORTMESH_FETCH_BLOCK_PRIVATE_NETWORKS", "true or false"]),
        ("SUPPORTMESH_SERVER_LISTN", "x", &["SUPPORTMESH_SERVER_LISTN", "SUPPORTMESH_SERVER_LISTEN"]),
        ("SUPPORTMESH_SOURCES_NOPE_URL", "x", &["SUPPORTMESH_SOURCES_NOPE_URL", "sepa, local_demo-1"]),
        ("SUPPORTMESH_SERVER_LISTEN", "nowhere", &["environment variable SUPPORTMESH_SERVER_LISTEN (overriding conf/test.toml): server.listen = \"nowhere\""]),
        ("SUPPORTMESH_SOURCES_SEPA_SCHEDULE", "daily", &["SUPPORTMESH_SOURCES_SEPA_SCHEDULE", "sources.sepa.schedule = \"daily\"", "6 fields"]),
    ];
    for (var, value, expected) in cases {
        let err = Settings::from_toml_str_with_env(GOOD, Path::new(ORIGIN), env(&[(var, value)])).expect_err(var);
        let message = err.to_string();
        for part in *expected {
            assert!(message.contains(part), "message {message:?} lacks {part:?}");
        }
    }
}

#[test]
fn operator_token_comes_only_from_the_environment() {
    let in_file = Settings::from_toml_str("operator_token = \"x\"", Path::new(ORIGIN));
    assert!(in_file.is_err(), "a token in the file is an unknown key");
    let empty = Settings::from_toml_str_with_env("", Path::new(ORIGIN), env(&[("SUPPORTMESH_OPERATOR_TOKEN", " ")]));
    assert_eq!(empty.expect("valid").operator_token, None, "an empty value means unset");
}

#[test]
fn source_paths_resolve_against_the_config_directory() {
    let text = "[[sources]]\nid = \"a\"\nformat = \"meeting_guide\"\nurl = \"feeds/a.json\"\n\
                [[sources]]\nid = \"b\"\nformat = \"meeting_guide\"\nurl = \"/abs/b.json\"\n\
                [[sources]]\nid = \"c\"\nformat = \"meeting_guide\"\nurl = \"file:///abs/c.json\"\n\
                [store]\npath = \"rel/store\"";
    let settings = Settings::from_toml_str(text, Path::new("/etc/supportmesh/main.toml")).expect("valid");
    let paths: Vec<String> = settings.sources.iter().map(|s| s.location.to_string()).collect();
    assert_eq!(paths, ["/etc/supportmesh/feeds/a.json", "/abs/b.json", "/abs/c.json"]);
    assert_eq!(settings.store.path, PathBuf::from("rel/store"), "store paths stay relative to the current dir");

    let with_password = source_with("").replace("https://", "https://u:pw@");
    let settings = Settings::from_toml_str(&with_password, Path::new(ORIGIN)).expect("valid");
    let shown = settings.sources[0].location.to_string();
    assert_eq!(shown, "https://example.org/feed", "credentials are not displayed");
}

#[test]
fn cron_expressions_are_normalised_to_six_fields() {
    assert_eq!(normalize_cron("0 3 * * *").as_deref(), Ok("0 0 3 * * *"));
    assert_eq!(normalize_cron("  0  0 */6 * *   * ").as_deref(), Ok("0 0 */6 * * *"));
    assert_eq!(normalize_cron("0 30 9 * * MON-FRI").as_deref(), Ok("0 30 9 * * MON-FRI"));
    assert!(normalize_cron("0 0 3 * * * 2030 extra").is_err());
    assert!(normalize_cron("").is_err());
}

#[test]
fn load_reads_the_explicit_file_or_the_env_path_and_fails_when_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, source_with("")).expect("write");
    let vars = env(&[("SUPPORTMESH_CONFIG", path.to_str().expect("utf-8"))]);
    let settings = Settings::load_with_env(None, vars).expect("loads from SUPPORTMESH_CONFIG");
    assert_eq!(settings.sources[0].id, "sepa");

    let missing = dir.path().join("missing.toml");
    let err = Settings::load_with_env(Some(&missing), Vec::new()).expect_err("missing explicit file");
    assert!(err.to_string().contains(&missing.display().to_string()), "{err}");
}

#[test]
fn the_committed_default_config_is_valid() {
    // Tests run in the package root, where `load` finds config/supportmesh.toml.
    let settings = Settings::load_with_env(None, Vec::new()).expect("config/supportmesh.toml is valid");
    assert_eq!(settings.server.listen.to_string(), "127.0.0.1:8080");
    let ids: Vec<&str> = settings.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids[..4], ["sepa", "eda", "alanon-ma", "edmonton"]);
    for format in Format::ALL {
        assert!(settings.sources.iter().any(|s| s.format == format), "no demo source of format {}", format.as_str());
    }
    let alanon = settings.source("alanon-ma").expect("alanon-ma");
    assert_eq!(alanon.location, SourceLocation::File(PathBuf::from("config/demo/alanon-ma.json")));
    assert_eq!(alanon.options.topics, vec![Topic::FAMILY_AND_FRIENDS, Topic::ALCOHOL]);
    assert_eq!(settings.source("edmonton").expect("edmonton").options.timezone, "America/Edmonton");

    let report = check_report(&settings);
    let enabled = format!("{} enabled", settings.sources.len());
    assert!(report.contains("127.0.0.1:8080") && report.contains(&enabled), "{report}");
    assert!(report.contains("edmonton") && report.contains("config/demo/edmonton.json"), "{report}");
}

#[test]
fn rules_from_config_reach_the_parser_options_in_order() {
    let text = format!(
        "[[rules]]\nkeyword = \"grief\"\ntopic = \"bereavement\"\n{}[[sources.rules]]\ncode = \"EDA\"\ntopic = \"eating_disorders\"\n",
        source_with("")
    );
    let settings = Settings::from_toml_str(&text, Path::new(ORIGIN)).expect("valid");
    let rules = &settings.sources[0].options.rules;
    assert_eq!(
        rules[0],
        importers::taxonomy::Rule::code("EDA", Topic::EATING_DISORDERS),
        "the source's own rule first"
    );
    assert_eq!(rules[1], importers::taxonomy::Rule::keyword("grief", Topic::BEREAVEMENT));
    assert_eq!(rules.len(), 2, "meeting_guide sources do not get the core keyword rules by default");
}

#[test]
fn configured_topics_join_the_taxonomy_and_rules_and_defaults_can_use_them() {
    let text = format!(
        "[[topics]]\ncode = \"loneliness\"\nlabel = \"Loneliness\"\nparent = \"mental_health\"\n\
         [[topics]]\ncode = \"isolated_parents\"\nlabel = \" Isolated parents \"\nparent = \"Loneliness\"\n\
         [[topics]]\ncode = \"long_covid\"\nlabel = \"Long Covid\"\n\
         [[rules]]\nkeyword = \"lonely\"\ntopic = \"loneliness\"\n{}\
         [sources.defaults]\ntopics = [\"alcohol\", \"Long-Covid\"]\n\
         [[sources.rules]]\ncode = \"LC\"\ntopic = \"LONG_COVID\"\n",
        source_with("")
    );
    let settings = Settings::from_toml_str(&text, Path::new(ORIGIN)).expect("valid");
    let (loneliness, long_covid) = (Topic::parse("loneliness").unwrap(), Topic::parse("long_covid").unwrap());

    let topics = settings.topics.topics();
    assert_eq!(topics.len(), Topic::CORE.len() + 3, "the core taxonomy plus three");
    assert!(topics[..Topic::CORE.len()].iter().all(|t| t.core));
    let lonely = settings.topics.get(&loneliness).expect("configured");
    assert_eq!(
        (lonely.label.as_str(), lonely.parent.clone(), lonely.core),
        ("Loneliness", Some(Topic::MENTAL_HEALTH), false)
    );
    let parents = settings.topics.get(&Topic::parse("isolated_parents").unwrap()).expect("configured");
    assert_eq!((parents.label.as_str(), parents.parent.clone()), ("Isolated parents", Some(loneliness.clone())));
    assert_eq!(settings.topics.get(&long_covid).and_then(|t| t.parent.clone()), None, "parent is optional");

    let sepa = &settings.sources[0];
    assert_eq!(sepa.options.topics, vec![Topic::ALCOHOL, long_covid.clone()]);
    assert_eq!(sepa.options.rules[0], importers::taxonomy::Rule::code("LC", long_covid));
    assert_eq!(sepa.options.rules[1], importers::taxonomy::Rule::keyword("lonely", loneliness));
    assert_eq!(*sepa.options.taxonomy, *settings.topics, "the parsers know the same topics");
    assert!(
        check_report(&settings).contains("topics   18 core, 3 configured (loneliness, isolated_parents, long_covid)")
    );

    let core_only = Settings::from_toml_str(&source_with(""), Path::new(ORIGIN)).expect("valid");
    assert_eq!(*core_only.topics, importers::Taxonomy::core());
}

#[test]
fn bad_rules_and_options_name_the_key() {
    let bad_topic = error_for(&format!("{}[[sources.rules]]\ncode = \"X\"\ntopic = \"sadness\"\n", source_with("")));
    let two_conditions = error_for("[[rules]]\ncode = \"X\"\nkeyword = \"y\"\ntopic = \"ocd\"\n");
    let options = error_for(&source_with("[sources.options]\ncolumns = 3\n"));
    assert!(bad_topic.contains("sources.sepa.rules[0].topic") && bad_topic.contains("depression"), "{bad_topic}");
    assert!(two_conditions.contains("rules[0]") && two_conditions.contains("exactly one"), "{two_conditions}");
    assert!(options.contains("sources.sepa.options") && options.contains("takes no options"), "{options}");
}

#[test]
fn local_roots_resolve_against_the_config_directory_and_can_come_from_the_environment() {
    let text = "[fetch]\nlocal_roots = [\"feeds\", \"/srv/feeds\", \" \"]";

    let settings = Settings::from_toml_str(text, Path::new("/etc/supportmesh/main.toml")).expect("valid");
    let env = [("SUPPORTMESH_FETCH_LOCAL_ROOTS".to_owned(), "/a:b".to_owned())];
    let overridden = Settings::from_toml_str_with_env(text, Path::new("/etc/supportmesh/main.toml"), env).unwrap();

    assert_eq!(settings.fetch.local_roots, [PathBuf::from("/etc/supportmesh/feeds"), PathBuf::from("/srv/feeds")]);
    assert_eq!(overridden.fetch.local_roots, [PathBuf::from("/a"), PathBuf::from("/etc/supportmesh/b")]);
    let none = Settings::from_toml_str("[fetch]\nlocal_roots = []", Path::new(ORIGIN)).unwrap();
    assert!(none.fetch.local_roots.is_empty(), "an empty list reads no local file");
}
