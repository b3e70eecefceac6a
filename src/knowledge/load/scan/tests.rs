//! The fast reader against the `toml` crate: what it reads, what it declines.

use super::*;
use crate::knowledge::load::parse::agrees;

const HEAD: &str = "[source]\nid = \"s\"\ntitle = \"T\"\ndate = \"2023\"\ntext = \"s.txt\"\n";

fn entry(body: &str) -> String {
    format!("{HEAD}\n[[entries]]\nid = \"e\"\nvoice = \"narrative\"\n{body}\n")
}

#[test]
fn reads_the_shipped_and_generated_knowledge_as_toml_does() {
    let shipped = crate::knowledge::builtin::BUILTIN_FILES;
    let mut read = 0;
    let knowledge_files = shipped
        .iter()
        .filter(|(path, _)| path.ends_with(".toml") && !path.ends_with("calibration.toml"));
    for (_, text) in knowledge_files {
        assert!(scan(text).is_some() && agrees(text));
        read += 1;
    }
    assert!(read > 0);
    let synthetic = crate::synth::generate(&crate::synth::SynthConfig {
        entries: 60,
        seed: 7,
        questions_per_kind: 1,
    });
    let files = synthetic.files();
    let tomls: Vec<&String> = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|x| x == "toml"))
        .map(|(_, text)| text)
        .collect();
    assert!(tomls.len() > 1);
    for text in tomls {
        assert!(scan(text).is_some() && agrees(text), "{text}");
    }
}

#[test]
fn reads_the_usual_variations_as_toml_does() {
    let cases = [
        entry(
            "phrasings = [\"a \\\"b\\\" \\\\ \\n\\t \\u00e9 \\U0001F600\", 'c \\d'] # note\nquote = 'q'",
        ),
        entry("phrasings = [\n  # first\n  \"a\", # one\n\n  \"b\",\n]\nquote = \"q\""),
        entry("phrasings = []\nquote = \"\""),
        entry("phrasings = [\"\"\"a \"b\" \\u00e9\"\"\"]\nquote = '''say 'q' or ''q'' '''"),
        entry("  phrasings\t=\t[\"a\",\"b\"]\t\nquote=\"q\"").replace('\n', "\r\n"),
        format!(
            "{HEAD}[[speakers]]\nid = \"w\"\nname = \"W\"\ncapacity = \"c\"\n[[entries]]\nid = \"e\"\nvoice = \"own-words\"\nspeaker = \"w\"\nphrasings = [\"a\", \"b\"]\nquote = \"q\""
        ),
        format!(
            "# c\n[[entries]] # h\nid = \"e\"\nvoice = \"caption\"\nphrasings = [\"a\", \"b\"]\nquote = \"q\"\n{HEAD}skip = [\"x\"]\npublisher = \"p\"\nurl = \"u\"\n"
        ),
    ];
    for text in &cases {
        assert!(scan(text).is_some(), "declined: {text}");
        assert!(agrees(text), "disagrees: {text}");
    }
    let text = &cases[1];
    let tables = scan(text).unwrap();
    let at = &tables.entries[0].at.phrasings;
    assert_eq!(
        [&text[at[0]..at[0] + 2], &text[at[1]..at[1] + 2]],
        ["a\"", "b\""]
    );
    let tables = scan(&cases[0]).unwrap();
    let phrasings = &tables.entries[0].value.as_ref().unwrap().phrasings;
    assert_eq!(phrasings, &["a \"b\" \\ \n\t é 😀", "c \\d"]);
}

#[test]
fn declines_what_it_does_not_know_and_every_problem() {
    let declined = [
        entry("phrasings = [\"\"\"a\n\"\"\", \"b\"]\nquote = \"q\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = '''q''''"),
        entry("phrasings = [\"a\", \"b\"]\n\"quote\" = \"q\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\\e\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\\u12\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\\uD800\""),
        entry("phrasings = [\"a\", 1]\nquote = \"q\""),
        entry("phrasings = \"a\"\nquote = \"q\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = [\"q\"]"),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"\nquote = \"r\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"\nextra = \"x\""),
        entry("phrasings = [\"a\", \"b\"]"),
        entry("phrasings = [\"a\" \"b\"]\nquote = \"q\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\" x"),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\u{1}\""),
        entry("phrasings = [\"a\", \"b\"]\rquote = \"q\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q"),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"\nsource.x = \"y\""),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"\n[ source ]"),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"\n[source]"),
        format!("{HEAD}{HEAD}"),
        "[[entries]]\nid = \"e\"\nvoice = \"narrative\"\nphrasings = [\"a\", \"b\"]\nquote = \"q\"\n".into(),
        format!("id = \"x\"\n{HEAD}"),
        entry("phrasings = [\"a\", \"b\"]\nquote = \"q\"").replace("narrative", "poem"),
    ];
    for text in &declined {
        assert!(scan(text).is_none(), "read: {text}");
        assert!(agrees(text));
    }
}
