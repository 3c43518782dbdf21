use super::*;
use crate::field_type::HandleService;
use crate::schema::{FieldConfig, SelectOption};
use expect_test::{Expect, expect};
use serde_json::json;
use std::collections::BTreeMap;

fn field(field_type: FieldType) -> FieldDef {
    FieldDef {
        id: "ad_1".into(),
        key: "field".into(),
        label: "Field".into(),
        description: None,
        field_type,
        config: FieldConfig::default(),
        is_required: false,
        is_unique: false,
        is_read_only: false,
        names: BTreeMap::new(),
    }
}

fn multiple(field_type: FieldType) -> FieldDef {
    let mut field = field(field_type);
    field.config.is_multiple = true;
    field
}

fn currency(code: Option<&str>) -> FieldDef {
    let mut field = field(FieldType::Currency);
    field.config.currency = code.map(Into::into);
    field
}

fn handle(service: Option<HandleService>) -> FieldDef {
    let mut field = field(FieldType::SocialHandle);
    field.config.handle_service = service;
    field
}

fn select(field_type: FieldType, options: &[(&str, &str)]) -> FieldDef {
    let mut field = field(field_type);
    field.config.options = options
        .iter()
        .map(|(id, label)| SelectOption {
            id: (*id).into(),
            label: (*label).into(),
            description: None,
            parent_id: None,
        })
        .collect();
    field
}

fn deal_stage() -> FieldDef {
    select(
        FieldType::SingleSelect,
        &[
            ("opt_new", "New"),
            ("opt_won", "Closed  Won"),
            ("opt_lost", "Closed Lost"),
        ],
    )
}

fn tags() -> FieldDef {
    select(
        FieldType::MultiSelect,
        &[("opt_a", "Alpha"), ("opt_b", "Beta"), ("opt_c", "Gamma")],
    )
}

fn outcome(result: Result<Option<Value>, ValueError>) -> String {
    match result {
        Ok(None) => "clear".into(),
        Ok(Some(Value::Datetime(moment))) => format!("Datetime({moment})"),
        Ok(Some(value)) => format!("{value:?}"),
        Err(error) => format!("error: {error}"),
    }
}

/// Normalizes each input and lists `input => outcome`, one per line.
#[track_caller]
fn check(field: &FieldDef, inputs: &[Json], expected: Expect) {
    let actual: String = inputs
        .iter()
        .map(|input| format!("{input} => {}\n", outcome(normalize(field, input))))
        .collect();
    expected.assert_eq(&actual);
}

/// Parses each text with `parse_text` and lists `text => outcome`, one per line.
#[track_caller]
fn check_parse(field: &FieldDef, texts: &[&str], expected: Expect) {
    let actual: String = texts
        .iter()
        .map(|text| format!("{text:?} => {}\n", outcome(parse_text(field, text))))
        .collect();
    expected.assert_eq(&actual);
}

/// Normalizes each input and lists its `display_text`.
#[track_caller]
fn check_display(field: &FieldDef, inputs: &[Json], expected: Expect) {
    let actual: String = inputs
        .iter()
        .map(|input| match normalize(field, input) {
            Ok(Some(value)) => format!("{input} => {:?}\n", value.display_text(field)),
            other => format!("{input} => {}\n", outcome(other)),
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn null_clears_every_type() {
    for field_type in FieldType::ALL {
        assert_eq!(
            normalize(&field(field_type), &Json::Null),
            Ok(None),
            "{field_type:?}"
        );
        assert_eq!(parse_text(&field(field_type), " "), Ok(None), "{field_type:?}");
    }
}

#[test]
fn text() {
    check(
        &field(FieldType::Text),
        &[
            json!("  Globex Corporation \n"),
            json!("   "),
            json!(12),
            json!(true),
            json!(["a"]),
            json!("a\u{0}b"),
        ],
        expect![[r#"
            "  Globex Corporation \n" => Text("Globex Corporation")
            "   " => clear
            12 => error: expected a string, got 12
            true => error: expected a string, got true
            ["a"] => error: expected a string, got ["a"]
            "a\u0000b" => error: "a\u0000b" contains a NUL character
        "#]],
    );
}

#[test]
fn long_text() {
    let text = |input: Json| outcome(normalize(&field(FieldType::Text), &input));
    assert_eq!(
        text(json!("é".repeat(MAX_TEXT_CHARS))).len(),
        "Text(\"\")".len() + 2 * MAX_TEXT_CHARS
    );
    expect!["error: text of 65537 characters exceeds the limit of 65536 characters"]
        .assert_eq(&text(json!("a".repeat(MAX_TEXT_CHARS + 1))));
    let markdown = |input: Json| outcome(normalize(&field(FieldType::Markdown), &input));
    expect!["error: text of 1000001 characters exceeds the limit of 1000000 characters"]
        .assert_eq(&markdown(json!("a".repeat(MAX_LONG_TEXT_CHARS + 1))));
}

#[test]
fn markdown_and_html_keep_whitespace() {
    check(
        &field(FieldType::Markdown),
        &[
            json!("  # Notes\n\n- one\n"),
            json!(" \n "),
            json!(3.5),
            json!({"text": "x"}),
        ],
        expect![[r#"
            "  # Notes\n\n- one\n" => Text("  # Notes\n\n- one\n")
            " \n " => clear
            3.5 => error: expected a string, got 3.5
            {"text":"x"} => error: expected a string, got {"text":"x"}
        "#]],
    );
    check(
        &field(FieldType::Html),
        &[json!("<p>Hello</p>\n"), json!(false), json!("<p>\u{0}</p>")],
        expect![[r#"
            "<p>Hello</p>\n" => Text("<p>Hello</p>\n")
            false => error: expected a string, got false
            "<p>\u0000</p>" => error: "<p>\u0000</p>" contains a NUL character
        "#]],
    );
}

#[test]
fn number() {
    check(
        &field(FieldType::Number),
        &[
            json!(12.5),
            json!("12.50"),
            json!(" -3 "),
            json!(100.0),
            json!(0.1),
            json!("1e3"),
            json!("+.5"),
            json!("-0.00"),
            json!(9_007_199_254_740_991_u64),
            json!(-9_007_199_254_740_991_i64),
            json!(""),
            json!(12.345),
            json!("12.345"),
            json!(1e-7),
            json!(9_007_199_254_740_992_u64),
            json!(1e20),
            json!("1e999999999999"),
            json!("abc"),
            json!("1_000"),
            json!("0x10"),
            json!("12."),
            json!("1e"),
            json!("NaN"),
            json!(true),
            json!([1]),
        ],
        expect![[r#"
            12.5 => Number(12.5)
            "12.50" => Number(12.5)
            " -3 " => Number(-3)
            100.0 => Number(100)
            0.1 => Number(0.1)
            "1e3" => Number(1000)
            "+.5" => Number(0.5)
            "-0.00" => Number(0)
            9007199254740991 => Number(9007199254740991)
            -9007199254740991 => Number(-9007199254740991)
            "" => clear
            12.345 => error: 12.345 has too many decimal places: numbers have at most 2 decimal places
            "12.345" => error: "12.345" has too many decimal places: numbers have at most 2 decimal places
            1e-7 => error: 1e-7 has too many decimal places: numbers have at most 2 decimal places
            9007199254740992 => error: 9007199254740992 is out of range: numbers are at most 9007199254740991 in absolute value
            1e+20 => error: 1e+20 is out of range: numbers are at most 9007199254740991 in absolute value
            "1e999999999999" => error: "1e999999999999" is out of range: numbers are at most 9007199254740991 in absolute value
            "abc" => error: "abc" is not a number
            "1_000" => error: "1_000" is not a number
            "0x10" => error: "0x10" is not a number
            "12." => Number(12)
            "1e" => error: "1e" is not a number
            "NaN" => error: "NaN" is not a number
            true => error: expected a number, got true
            [1] => error: expected a number, got [1]
        "#]],
    );
}

#[test]
fn currency_minor_units() {
    check(
        &currency(Some("USD")),
        &[
            json!(1200.5),
            json!("19.99"),
            json!(19.999),
            json!(900_000_000_000_000_u64),
            json!(900_000_000_000_001_u64),
        ],
        expect![[r#"
            1200.5 => Number(1200.5)
            "19.99" => Number(19.99)
            19.999 => error: 19.999 has too many decimal places: USD amounts have at most 2 decimal places
            900000000000000 => Number(900000000000000)
            900000000000001 => error: 900000000000001 is out of range: USD amounts are at most 900000000000000 in absolute value
        "#]],
    );
    check(
        &currency(Some("JPY")),
        &[json!(1500), json!(1500.0), json!(1500.5)],
        expect![[r#"
            1500 => Number(1500)
            1500.0 => Number(1500)
            1500.5 => error: 1500.5 has too many decimal places: JPY amounts have no decimal places
        "#]],
    );
    check(
        &currency(Some("BHD")),
        &[json!(1.125), json!(1.1255)],
        expect![[r#"
            1.125 => Number(1.125)
            1.1255 => error: 1.1255 has too many decimal places: BHD amounts have at most 3 decimal places
        "#]],
    );
    check(
        &currency(None),
        &[json!(0.12), json!(0.125)],
        expect![[r#"
            0.12 => Number(0.12)
            0.125 => error: 0.125 has too many decimal places: amounts have at most 2 decimal places
        "#]],
    );
    check(
        &currency(Some("XAU")),
        &[json!(0.125), json!("ten")],
        expect![[r#"
            0.125 => error: 0.125 has too many decimal places: XAU amounts have at most 2 decimal places
            "ten" => error: "ten" is not a number
        "#]],
    );
}

#[test]
fn checkbox() {
    check(
        &field(FieldType::Checkbox),
        &[
            json!(true),
            json!(false),
            json!("TRUE"),
            json!(" false "),
            json!(""),
            json!("yes"),
            json!(1),
            json!(null),
        ],
        expect![[r#"
            true => Bool(true)
            false => Bool(false)
            "TRUE" => Bool(true)
            " false " => Bool(false)
            "" => clear
            "yes" => error: expected true or false, got "yes"
            1 => error: expected true or false, got 1
            null => clear
        "#]],
    );
}

#[test]
fn datetime() {
    check(
        &field(FieldType::Datetime),
        &[
            json!("2026-03-16T12:00:00+00:00"),
            json!("2026-03-16T12:00:00Z"),
            json!("2026-03-16T14:00:00.123456+02:00"),
            json!(" 2026-03-16t12:00:00z "),
            json!(1_773_662_400_000_i64),
            json!(-1),
            json!("2026-03-16"),
            json!("2026-03-16T12:00:00"),
            json!("next tuesday"),
            json!(1.5),
            json!(1_773_662_400_000.0),
            json!(99_999_999_999_999_999_i64),
            json!(18_446_744_073_709_551_615_u64),
            json!(true),
        ],
        expect![[r#"
            "2026-03-16T12:00:00+00:00" => Datetime(2026-03-16T12:00:00.000Z)
            "2026-03-16T12:00:00Z" => Datetime(2026-03-16T12:00:00.000Z)
            "2026-03-16T14:00:00.123456+02:00" => Datetime(2026-03-16T12:00:00.123Z)
            " 2026-03-16t12:00:00z " => Datetime(2026-03-16T12:00:00.000Z)
            1773662400000 => Datetime(2026-03-16T12:00:00.000Z)
            -1 => Datetime(1969-12-31T23:59:59.999Z)
            "2026-03-16" => error: "2026-03-16" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z
            "2026-03-16T12:00:00" => error: "2026-03-16T12:00:00" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z
            "next tuesday" => error: "next tuesday" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z
            1.5 => error: 1.5 is not a whole number of epoch milliseconds
            1773662400000.0 => Datetime(2026-03-16T12:00:00.000Z)
            99999999999999999 => error: 99999999999999999 epoch milliseconds is outside the years 0000 to 9999
            18446744073709551615 => error: 18446744073709551615 epoch milliseconds is outside the years 0000 to 9999
            true => error: expected an RFC 3339 date-time string or epoch milliseconds, got true
        "#]],
    );
}

#[test]
fn date_must_be_midnight_utc() {
    check(
        &field(FieldType::Date),
        &[
            json!("2026-03-16"),
            json!("2026-03-16T00:00:00Z"),
            json!("2026-03-16T02:00:00+02:00"),
            json!(1_773_619_200_000_i64),
            json!(-86_400_000),
            json!("2026-03-16T12:00:00Z"),
            json!(1_496_643_178_000_i64),
            json!("2026-02-30"),
            json!("2026-3-16"),
            json!("16/03/2026"),
            json!(1.5),
            json!(["2026-03-16"]),
        ],
        expect![[r#"
            "2026-03-16" => Date(2026-03-16)
            "2026-03-16T00:00:00Z" => Date(2026-03-16)
            "2026-03-16T02:00:00+02:00" => Date(2026-03-16)
            1773619200000 => Date(2026-03-16)
            -86400000 => Date(1969-12-31)
            "2026-03-16T12:00:00Z" => error: "2026-03-16T12:00:00Z" is not at midnight UTC
            1496643178000 => error: 1496643178000 is not at midnight UTC
            "2026-02-30" => error: "2026-02-30" is not a valid date
            "2026-3-16" => error: "2026-3-16" is not a date: expected YYYY-MM-DD, such as 2026-03-16
            "16/03/2026" => error: "16/03/2026" is not a date: expected YYYY-MM-DD, such as 2026-03-16
            1.5 => error: 1.5 is not a whole number of epoch milliseconds
            ["2026-03-16"] => error: expected a YYYY-MM-DD date string or epoch milliseconds, got ["2026-03-16"]
        "#]],
    );
}

#[test]
fn email_single() {
    check(
        &field(FieldType::Email),
        &[
            json!(" Ada.Lovelace@Example.COM "),
            json!(["ada@x.io"]),
            json!(["ada@x.io", "ADA@X.IO"]),
            json!([]),
            json!(["ada@x.io", "bob@x.io"]),
            json!("foo@"),
            json!("ada@localhost"),
            json!("Ada <ada@x.io>"),
            json!("ada@[10.0.0.1]"),
            json!("ada lovelace@x.io"),
            json!(12),
            json!(["ada@x.io", 3]),
        ],
        expect![[r#"
            " Ada.Lovelace@Example.COM " => Text("Ada.Lovelace@example.com")
            ["ada@x.io"] => Text("ada@x.io")
            ["ada@x.io","ADA@X.IO"] => Text("ada@x.io")
            [] => clear
            ["ada@x.io","bob@x.io"] => error: field holds one value, got 2 values
            "foo@" => error: "foo@" is not a valid email address
            "ada@localhost" => error: "ada@localhost" is not a valid email address
            "Ada <ada@x.io>" => error: "Ada <ada@x.io>" is not a valid email address
            "ada@[10.0.0.1]" => error: "ada@[10.0.0.1]" is not a valid email address
            "ada lovelace@x.io" => error: "ada lovelace@x.io" is not a valid email address
            12 => error: expected a string or an array of strings, got 12
            ["ada@x.io",3] => error: expected a string or an array of strings, got ["ada@x.io",3]
        "#]],
    );
}

#[test]
fn email_multiple() {
    check(
        &multiple(FieldType::Email),
        &[
            json!("ada@x.io"),
            json!(["ada@x.io", "ADA@x.io", " bob@Globex.Example", ""]),
            json!([]),
            json!(["", " "]),
            json!(["ada@x.io", "nope"]),
            json!({"email": "ada@x.io"}),
        ],
        expect![[r#"
            "ada@x.io" => List(["ada@x.io"])
            ["ada@x.io","ADA@x.io"," bob@Globex.Example",""] => List(["ada@x.io", "bob@globex.example"])
            [] => clear
            [""," "] => clear
            ["ada@x.io","nope"] => error: "nope" is not a valid email address
            {"email":"ada@x.io"} => error: expected a string or an array of strings, got {"email":"ada@x.io"}
        "#]],
    );
}

#[test]
fn url() {
    check(
        &field(FieldType::Url),
        &[
            json!("https://globex.example"),
            json!("https://globex.example/"),
            json!("globex.example"),
            json!("www.x.com/a"),
            json!("HTTPS://Globex.Example/About?q=1#top"),
            json!("http://x.com?q=1"),
            json!("globex.example#team"),
            json!("http://localhost:3000"),
            json!("globex.example:8080"),
            json!("https://192.168.1.1/admin"),
            json!("bücher.example"),
            json!("ftp://x.com"),
            json!("mailto:ada@x.io"),
            json!("javascript:alert(1)"),
            json!("intranet"),
            json!("https://a b.com"),
            json!("ada@globex.example"),
            json!("https://x..com"),
            json!("https://"),
            json!(["a.com", "b.com"]),
            json!(42),
        ],
        expect![[r#"
            "https://globex.example" => Text("https://globex.example")
            "https://globex.example/" => Text("https://globex.example/")
            "globex.example" => Text("https://globex.example")
            "www.x.com/a" => Text("https://www.x.com/a")
            "HTTPS://Globex.Example/About?q=1#top" => Text("https://globex.example/About?q=1#top")
            "http://x.com?q=1" => Text("http://x.com?q=1")
            "globex.example#team" => Text("https://globex.example#team")
            "http://localhost:3000" => Text("http://localhost:3000")
            "globex.example:8080" => Text("https://globex.example:8080")
            "https://192.168.1.1/admin" => Text("https://192.168.1.1/admin")
            "bücher.example" => Text("https://xn--bcher-kva.example")
            "ftp://x.com" => error: "ftp://x.com" is not a valid URL: only http and https URLs are accepted
            "mailto:ada@x.io" => error: "mailto:ada@x.io" is not a valid URL: only http and https URLs are accepted
            "javascript:alert(1)" => error: "javascript:alert(1)" is not a valid URL: only http and https URLs are accepted
            "intranet" => error: "intranet" is not a valid URL: "intranet" is not a full host name
            "https://a b.com" => error: "https://a b.com" is not a valid URL: it contains whitespace or a control character
            "ada@globex.example" => error: "ada@globex.example" is not a valid URL: it has a user name or password
            "https://x..com" => error: "https://x..com" is not a valid URL: "x..com" is not a full host name
            "https://" => error: "https://" is not a valid URL
            ["a.com","b.com"] => error: field holds one value, got 2 values
            42 => error: expected a string or an array of strings, got 42
        "#]],
    );
    check(
        &multiple(FieldType::Url),
        &[
            json!(["globex.example", "https://Globex.example", "initech.example/"]),
            json!("globex.example"),
        ],
        expect![[r#"
            ["globex.example","https://Globex.example","initech.example/"] => List(["https://globex.example", "https://initech.example/"])
            "globex.example" => List(["https://globex.example"])
        "#]],
    );
}

#[test]
fn telephone() {
    check(
        &field(FieldType::Telephone),
        &[
            json!("+1 503 555 0100"),
            json!("(503) 555-0100"),
            json!("1-503-555-0100"),
            json!("+44 20 7946 0958"),
            json!("011 44 20 7946 0958"),
            json!("+49 30 123456"),
            json!("020 7946 0958"),
            json!("12345"),
            json!("+1 555"),
            json!("+999 123 4567"),
            json!("1-800-FLOWERS"),
            json!("+1 503 555 0100 call me"),
            json!(["+15035550100", "(503) 555-0100"]),
            json!(["+15035550100", "+442079460958"]),
            json!(5035550100_u64),
        ],
        expect![[r#"
            "+1 503 555 0100" => Text("+15035550100")
            "(503) 555-0100" => Text("+15035550100")
            "1-503-555-0100" => Text("+15035550100")
            "+44 20 7946 0958" => Text("+442079460958")
            "011 44 20 7946 0958" => Text("+442079460958")
            "+49 30 123456" => Text("+4930123456")
            "020 7946 0958" => error: "020 7946 0958" is not a valid telephone number; numbers outside the US need a leading + and their country code
            "12345" => error: "12345" is not a valid telephone number; numbers outside the US need a leading + and their country code
            "+1 555" => error: "+1 555" is not a valid telephone number
            "+999 123 4567" => error: "+999 123 4567" is not a valid telephone number
            "1-800-FLOWERS" => error: "1-800-FLOWERS" is not a valid telephone number
            "+1 503 555 0100 call me" => error: "+1 503 555 0100 call me" is not a valid telephone number
            ["+15035550100","(503) 555-0100"] => Text("+15035550100")
            ["+15035550100","+442079460958"] => error: field holds one value, got 2 values
            5035550100 => error: expected a string or an array of strings, got 5035550100
        "#]],
    );
}

#[test]
fn telephone_extensions() {
    check(
        &field(FieldType::Telephone),
        &[
            json!("+1 503 555 0100 x12"),
            json!("503-555-0100x12"),
            json!("+1 202 555 1234 ext 100"),
            json!("+1 202 555 1234 ext:100"),
            json!("+1 202 555 1234 ext. 100"),
            json!("+1 202 555 1234 EXT.100"),
            json!("+1 202 555 1234 extension 100"),
            json!("+44 20 7946 0958 #100"),
            json!("+12025551234;ext=100"),
            json!("(202) 555-1234 x 7"),
            json!("+1 202 555 1234 x"),
            json!("x100"),
            json!("+1 202 555 1234 x12345678901"),
        ],
        expect![[r#"
            "+1 503 555 0100 x12" => Text("+15035550100;ext=12")
            "503-555-0100x12" => Text("+15035550100;ext=12")
            "+1 202 555 1234 ext 100" => Text("+12025551234;ext=100")
            "+1 202 555 1234 ext:100" => Text("+12025551234;ext=100")
            "+1 202 555 1234 ext. 100" => Text("+12025551234;ext=100")
            "+1 202 555 1234 EXT.100" => Text("+12025551234;ext=100")
            "+1 202 555 1234 extension 100" => Text("+12025551234;ext=100")
            "+44 20 7946 0958 #100" => Text("+442079460958;ext=100")
            "+12025551234;ext=100" => Text("+12025551234;ext=100")
            "(202) 555-1234 x 7" => Text("+12025551234;ext=7")
            "+1 202 555 1234 x" => error: "+1 202 555 1234 x" is not a valid telephone number
            "x100" => error: "x100" is not a valid telephone number
            "+1 202 555 1234 x12345678901" => error: "+1 202 555 1234 x12345678901" is not a valid telephone number
        "#]],
    );
    check(
        &multiple(FieldType::Telephone),
        &[
            json!("503.555.0100"),
            json!(["503-555-0100", "+15035550100", "+15035550100 x1"]),
        ],
        expect![[r#"
            "503.555.0100" => List(["+15035550100"])
            ["503-555-0100","+15035550100","+15035550100 x1"] => List(["+15035550100", "+15035550100;ext=1"])
        "#]],
    );
}

#[test]
fn social_handles() {
    check(
        &handle(Some(HandleService::Twitter)),
        &[
            json!("https://twitter.com/Ada"),
            json!("http://www.x.com/ada_l/?s=20"),
            json!("x.com/ada"),
            json!("@ada"),
            json!("https://linkedin.com/in/ada"),
            json!("https://x.com/ada/status/1"),
            json!("https://x.com/"),
            json!("@ada-lovelace"),
            json!(12),
        ],
        expect![[r#"
            "https://twitter.com/Ada" => Text("https://x.com/Ada")
            "http://www.x.com/ada_l/?s=20" => Text("https://x.com/ada_l")
            "x.com/ada" => Text("https://x.com/ada")
            "@ada" => Text("https://x.com/ada")
            "https://linkedin.com/in/ada" => error: "https://linkedin.com/in/ada" is not a profile URL on X (Twitter); expected https://x.com/{user}
            "https://x.com/ada/status/1" => error: "https://x.com/ada/status/1" is not a profile URL on X (Twitter); expected https://x.com/{user}
            "https://x.com/" => error: "https://x.com/" is not a profile URL on X (Twitter); expected https://x.com/{user}
            "@ada-lovelace" => error: "@ada-lovelace" is not a profile URL on X (Twitter); expected https://x.com/{user}
            12 => error: expected a profile URL string, got 12
        "#]],
    );
    check(
        &handle(Some(HandleService::Linkedin)),
        &[
            json!("https://uk.linkedin.com/in/ada-lovelace/?trk=public"),
            json!("linkedin.com/company/globex-example"),
            json!("https://www.linkedin.com/company/globex-example"),
            json!("https://www.linkedin.com/IN/ada"),
            json!("https://linkedin.com/feed/"),
            json!("https://notlinkedin.com/in/ada"),
            json!("@ada"),
        ],
        expect![[r#"
            "https://uk.linkedin.com/in/ada-lovelace/?trk=public" => Text("https://www.linkedin.com/in/ada-lovelace")
            "linkedin.com/company/globex-example" => Text("https://www.linkedin.com/company/globex-example")
            "https://www.linkedin.com/company/globex-example" => Text("https://www.linkedin.com/company/globex-example")
            "https://www.linkedin.com/IN/ada" => Text("https://www.linkedin.com/in/ada")
            "https://linkedin.com/feed/" => error: "https://linkedin.com/feed/" is not a profile URL on LinkedIn; expected https://www.linkedin.com/in/{slug} or https://www.linkedin.com/company/{slug}
            "https://notlinkedin.com/in/ada" => error: "https://notlinkedin.com/in/ada" is not a profile URL on LinkedIn; expected https://www.linkedin.com/in/{slug} or https://www.linkedin.com/company/{slug}
            "@ada" => error: "@ada" is not a profile URL on LinkedIn; expected https://www.linkedin.com/in/{slug} or https://www.linkedin.com/company/{slug}
        "#]],
    );
    check(
        &handle(Some(HandleService::Facebook)),
        &[
            json!("https://m.facebook.com/ada.lovelace"),
            json!("facebook.com/ada.lovelace?ref=bookmarks"),
            json!("https://www.facebook.com/profile.php?id=1000123&sk=about"),
            json!("https://facebook.com/profile.php"),
            json!("https://www.instagram.com/ada"),
        ],
        expect![[r#"
            "https://m.facebook.com/ada.lovelace" => Text("https://www.facebook.com/ada.lovelace")
            "facebook.com/ada.lovelace?ref=bookmarks" => Text("https://www.facebook.com/ada.lovelace")
            "https://www.facebook.com/profile.php?id=1000123&sk=about" => Text("https://www.facebook.com/profile.php?id=1000123")
            "https://facebook.com/profile.php" => error: "https://facebook.com/profile.php" is not a profile URL on Facebook; expected https://www.facebook.com/{user}
            "https://www.instagram.com/ada" => error: "https://www.instagram.com/ada" is not a profile URL on Facebook; expected https://www.facebook.com/{user}
        "#]],
    );
    check(
        &handle(Some(HandleService::Instagram)),
        &[
            json!("instagram.com/ada_l/"),
            json!("@ada.l"),
            json!("https://www.instagram.com/p/Cx1/"),
            json!("https://x.com/ada"),
        ],
        expect![[r#"
            "instagram.com/ada_l/" => Text("https://www.instagram.com/ada_l")
            "@ada.l" => Text("https://www.instagram.com/ada.l")
            "https://www.instagram.com/p/Cx1/" => error: "https://www.instagram.com/p/Cx1/" is not a profile URL on Instagram; expected https://www.instagram.com/{user}
            "https://x.com/ada" => error: "https://x.com/ada" is not a profile URL on Instagram; expected https://www.instagram.com/{user}
        "#]],
    );
    check(
        &handle(None),
        &[
            json!("globex.example/ada"),
            json!("ftp://globex.example/ada"),
            json!(["https://x.com/ada"]),
        ],
        expect![[r#"
            "globex.example/ada" => Text("https://globex.example/ada")
            "ftp://globex.example/ada" => error: "ftp://globex.example/ada" is not a valid URL: only http and https URLs are accepted
            ["https://x.com/ada"] => error: expected a profile URL string, got ["https://x.com/ada"]
        "#]],
    );
}

#[test]
fn single_select_matches_ids_then_labels() {
    check(
        &deal_stage(),
        &[
            json!("opt_won"),
            json!(" opt_won "),
            json!("closed won"),
            json!("  CLOSED \t WON "),
            json!(""),
            json!("Won"),
            json!("opt_WON"),
            json!(3),
            json!(["opt_won"]),
        ],
        expect![[r#"
            "opt_won" => Choice("opt_won")
            " opt_won " => Choice("opt_won")
            "closed won" => Choice("opt_won")
            "  CLOSED \t WON " => Choice("opt_won")
            "" => clear
            "Won" => error: "Won" is not an option; options are: New, Closed  Won, Closed Lost
            "opt_WON" => error: "opt_WON" is not an option; options are: New, Closed  Won, Closed Lost
            3 => error: expected an option id or label, got 3
            ["opt_won"] => error: expected an option id or label, got ["opt_won"]
        "#]],
    );
}

#[test]
fn single_select_refuses_ambiguous_labels() {
    // Stages of two pipelines may share a label; their ids still tell them apart.
    let stage = select(
        FieldType::SingleSelect,
        &[("st_a_won", "Won"), ("st_b_won", "won"), ("st_b_lost", "Lost")],
    );
    check(
        &stage,
        &[json!("WON"), json!("st_b_won"), json!("lost")],
        expect![[r#"
            "WON" => error: ambiguous option label "WON": 2 options have it; use an option id
            "st_b_won" => Choice("st_b_won")
            "lost" => Choice("st_b_lost")
        "#]],
    );
}

#[test]
fn unknown_option_lists_at_most_twenty_labels() {
    let labels: Vec<(String, String)> = (1..=25).map(|n| (format!("opt_{n}"), format!("L{n}"))).collect();
    let options: Vec<(&str, &str)> = labels
        .iter()
        .map(|(id, label)| (id.as_str(), label.as_str()))
        .collect();
    check(
        &select(FieldType::SingleSelect, &options),
        &[json!("L26")],
        expect![[r#"
            "L26" => error: "L26" is not an option; options are: L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16, L17, L18, L19, L20, and 5 more
        "#]],
    );
    check(
        &select(FieldType::SingleSelect, &[]),
        &[json!("anything")],
        expect![[r#"
            "anything" => error: "anything" is not an option; the field has no options
        "#]],
    );
}

#[test]
fn multi_select() {
    check(
        &tags(),
        &[
            json!(["gamma", "opt_a", "ALPHA"]),
            json!("beta"),
            json!(["", "beta"]),
            json!([]),
            json!([1, 2]),
            json!(["alpha", null]),
            json!(["alpha", "delta"]),
            json!({"alpha": true}),
        ],
        expect![[r#"
            ["gamma","opt_a","ALPHA"] => Choices(["opt_a", "opt_c"])
            "beta" => Choices(["opt_b"])
            ["","beta"] => Choices(["opt_b"])
            [] => clear
            [1,2] => error: expected an array of strings, got [1,2]
            ["alpha",null] => error: expected an array of strings, got ["alpha",null]
            ["alpha","delta"] => error: "delta" is not an option; options are: Alpha, Beta, Gamma
            {"alpha":true} => error: expected an array of strings, got {"alpha":true}
        "#]],
    );
}

#[test]
fn address() {
    check(
        &field(FieldType::Address),
        &[
            json!({
                "street": " 1 Main St ", "street2": "", "city": "Springfield", "state": "OR",
                "postalCode": "97477", "country": "us", "latitude": 44.05, "longitude": -123.02
            }),
            json!({"country": "DEU"}),
            json!({"country": "United States"}),
            json!({"country": "the Netherlands"}),
            json!({"country": "UK"}),
            json!({"latitude": -90, "longitude": 180}),
            json!({"street": "", "city": null}),
            json!({}),
            json!({"zip": "97477"}),
            json!({"postal_code": "97477"}),
            json!({"country": "XX"}),
            json!({"country": "Atlantis"}),
            json!({"country": 840}),
            json!({"latitude": 91}),
            json!({"longitude": "12.5"}),
            json!({"postalCode": 97477}),
            json!("1 Main St, Springfield"),
        ],
        expect![[r#"
            {"city":"Springfield","country":"us","latitude":44.05,"longitude":-123.02,"postalCode":"97477","state":"OR","street":" 1 Main St ","street2":""} => Address(Address { street: Some("1 Main St"), street2: None, city: Some("Springfield"), state: Some("OR"), postal_code: Some("97477"), country: Some("US"), latitude: Some(44.05), longitude: Some(-123.02) })
            {"country":"DEU"} => Address(Address { street: None, street2: None, city: None, state: None, postal_code: None, country: Some("DE"), latitude: None, longitude: None })
            {"country":"United States"} => Address(Address { street: None, street2: None, city: None, state: None, postal_code: None, country: Some("US"), latitude: None, longitude: None })
            {"country":"the Netherlands"} => Address(Address { street: None, street2: None, city: None, state: None, postal_code: None, country: Some("NL"), latitude: None, longitude: None })
            {"country":"UK"} => Address(Address { street: None, street2: None, city: None, state: None, postal_code: None, country: Some("GB"), latitude: None, longitude: None })
            {"latitude":-90,"longitude":180} => Address(Address { street: None, street2: None, city: None, state: None, postal_code: None, country: None, latitude: Some(-90.0), longitude: Some(180.0) })
            {"city":null,"street":""} => clear
            {} => clear
            {"zip":"97477"} => error: unknown address part "zip"; parts are street, street2, city, state, postalCode, country, latitude, longitude
            {"postal_code":"97477"} => error: unknown address part "postal_code"; parts are street, street2, city, state, postalCode, country, latitude, longitude
            {"country":"XX"} => error: "XX" is not a country; expected an ISO 3166-1 alpha-2 code such as US
            {"country":"Atlantis"} => error: "Atlantis" is not a country; expected an ISO 3166-1 alpha-2 code such as US
            {"country":840} => error: country must be a string, got 840
            {"latitude":91} => error: latitude 91 is out of range -90 to 90
            {"longitude":"12.5"} => error: longitude must be a number, got "12.5"
            {"postalCode":97477} => error: postalCode must be a string, got 97477
            "1 Main St, Springfield" => error: expected an address object, got "1 Main St, Springfield"
        "#]],
    );
}

#[test]
fn full_name() {
    check(
        &field(FieldType::FullName),
        &[
            json!({"firstName": " Ada ", "lastName": "Lovelace"}),
            json!({"firstName": "Ada"}),
            json!("Ada Lovelace"),
            json!("  Ada King  Lovelace "),
            json!("Ada"),
            json!({"firstName": "", "lastName": null}),
            json!(" "),
            json!({"middleName": "King"}),
            json!({"firstName": 3}),
            json!(12),
        ],
        expect![[r#"
            {"firstName":" Ada ","lastName":"Lovelace"} => FullName(FullName { first_name: Some("Ada"), last_name: Some("Lovelace") })
            {"firstName":"Ada"} => FullName(FullName { first_name: Some("Ada"), last_name: None })
            "Ada Lovelace" => FullName(FullName { first_name: Some("Ada"), last_name: Some("Lovelace") })
            "  Ada King  Lovelace " => FullName(FullName { first_name: Some("Ada King"), last_name: Some("Lovelace") })
            "Ada" => FullName(FullName { first_name: Some("Ada"), last_name: None })
            {"firstName":"","lastName":null} => clear
            " " => clear
            {"middleName":"King"} => error: unknown full name part "middleName"; parts are firstName, lastName
            {"firstName":3} => error: firstName must be a string, got 3
            12 => error: expected a full name object or a string, got 12
        "#]],
    );
}

#[test]
fn parse_text_reads_scalars() {
    check_parse(
        &field(FieldType::Number),
        &["12.5", " 7 ", "", "abc"],
        expect![[r#"
            "12.5" => Number(12.5)
            " 7 " => Number(7)
            "" => clear
            "abc" => error: "abc" is not a number
        "#]],
    );
    check_parse(
        &field(FieldType::Checkbox),
        &["TRUE", "false", "1"],
        expect![[r#"
            "TRUE" => Bool(true)
            "false" => Bool(false)
            "1" => error: expected true or false, got "1"
        "#]],
    );
    check_parse(
        &field(FieldType::Datetime),
        &[
            "1773662400000",
            "2026-03-16T12:00:00Z",
            "-1",
            "1.5e12",
            "2026-03-16",
        ],
        expect![[r#"
            "1773662400000" => Datetime(2026-03-16T12:00:00.000Z)
            "2026-03-16T12:00:00Z" => Datetime(2026-03-16T12:00:00.000Z)
            "-1" => Datetime(1969-12-31T23:59:59.999Z)
            "1.5e12" => error: "1.5e12" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z
            "2026-03-16" => error: "2026-03-16" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z
        "#]],
    );
    check_parse(
        &field(FieldType::Date),
        &["1773619200000", "2026-03-16", "1773662400000"],
        expect![[r#"
            "1773619200000" => Date(2026-03-16)
            "2026-03-16" => Date(2026-03-16)
            "1773662400000" => error: 1773662400000 is not at midnight UTC
        "#]],
    );
    check_parse(
        &tags(),
        &["alpha; opt_b ;;", "gamma", "alpha;delta"],
        expect![[r#"
            "alpha; opt_b ;;" => Choices(["opt_a", "opt_b"])
            "gamma" => Choices(["opt_c"])
            "alpha;delta" => error: "delta" is not an option; options are: Alpha, Beta, Gamma
        "#]],
    );
    check_parse(
        &deal_stage(),
        &["closed won", "opt_new"],
        expect![[r#"
            "closed won" => Choice("opt_won")
            "opt_new" => Choice("opt_new")
        "#]],
    );
    check_parse(
        &multiple(FieldType::Email),
        &["Ada@X.io"],
        expect![[r#"
            "Ada@X.io" => List(["Ada@x.io"])
        "#]],
    );
    check_parse(
        &field(FieldType::Text),
        &["  spaced  ", "   "],
        expect![[r#"
            "  spaced  " => Text("spaced")
            "   " => clear
        "#]],
    );
}

#[test]
fn parse_text_reads_compound_values() {
    check_parse(
        &field(FieldType::Address),
        &[r#"{"city": "Paris", "country": "France"}"#, "Paris", "[1]"],
        expect![[r#"
            "{\"city\": \"Paris\", \"country\": \"France\"}" => Address(Address { street: None, street2: None, city: Some("Paris"), state: None, postal_code: None, country: Some("FR"), latitude: None, longitude: None })
            "Paris" => error: expected an address as a JSON object, got "Paris"
            "[1]" => error: expected an address as a JSON object, got "[1]"
        "#]],
    );
    check_parse(
        &field(FieldType::FullName),
        &["Ada Lovelace", r#"{"firstName": "Ada"}"#, "{bad"],
        expect![[r#"
            "Ada Lovelace" => FullName(FullName { first_name: Some("Ada"), last_name: Some("Lovelace") })
            "{\"firstName\": \"Ada\"}" => FullName(FullName { first_name: Some("Ada"), last_name: None })
            "{bad" => error: "{bad" is not a valid JSON object
        "#]],
    );
}

#[test]
fn display_text() {
    check_display(
        &deal_stage(),
        &[json!("closed won")],
        expect![[r#"
        "closed won" => "Closed  Won"
    "#]],
    );
    check_display(
        &tags(),
        &[json!(["gamma", "alpha"])],
        expect![[r#"
        ["gamma","alpha"] => "Alpha, Gamma"
    "#]],
    );
    check_display(
        &field(FieldType::Address),
        &[
            json!({"street": "1 Main St", "city": "Springfield", "postalCode": "97477", "country": "US"}),
            json!({"latitude": 44.05, "longitude": -123.02}),
        ],
        expect![[r#"
            {"city":"Springfield","country":"US","postalCode":"97477","street":"1 Main St"} => "1 Main St, Springfield, 97477, US"
            {"latitude":44.05,"longitude":-123.02} => "44.05, -123.02"
        "#]],
    );
    check_display(
        &field(FieldType::FullName),
        &[json!({"lastName": "Lovelace"}), json!("Ada Lovelace")],
        expect![[r#"
        {"lastName":"Lovelace"} => "Lovelace"
        "Ada Lovelace" => "Ada Lovelace"
    "#]],
    );
    check_display(
        &currency(Some("USD")),
        &[json!("12.50"), json!(1e3)],
        expect![[r#"
        "12.50" => "12.5"
        1000.0 => "1000"
    "#]],
    );
    check_display(
        &field(FieldType::Datetime),
        &[json!("2026-03-16T14:00:00+02:00")],
        expect![[r#"
        "2026-03-16T14:00:00+02:00" => "2026-03-16T12:00:00.000Z"
    "#]],
    );
    check_display(
        &field(FieldType::Date),
        &[json!("2026-03-16")],
        expect![[r#"
        "2026-03-16" => "2026-03-16"
    "#]],
    );
    check_display(
        &multiple(FieldType::Email),
        &[json!(["ada@x.io", "bob@x.io"])],
        expect![[r#"
        ["ada@x.io","bob@x.io"] => "ada@x.io, bob@x.io"
    "#]],
    );
    check_display(
        &field(FieldType::Checkbox),
        &[json!(false)],
        expect![[r#"
        false => "false"
    "#]],
    );
    // An option id the field no longer has shows as itself.
    let gone = Value::Choice("opt_gone".into());
    assert_eq!(gone.display_text(&deal_stage()), "opt_gone");
}

/// The stored form written back is accepted unchanged, so re-saving a record changes nothing.
#[test]
fn normalized_values_normalize_to_themselves() {
    fn to_json(value: &Value) -> Json {
        match value {
            Value::Text(text) | Value::Choice(text) => json!(text),
            Value::Number(number) => json!(number.to_string()),
            Value::Bool(flag) => json!(flag),
            Value::Datetime(moment) => json!(moment.to_rfc3339()),
            Value::Date(date) => json!(date.to_string()),
            Value::Choices(items) | Value::List(items) => {
                Json::Array(items.iter().map(|item| json!(item)).collect())
            }
            Value::Address(address) => json!({
                "street": address.street, "street2": address.street2, "city": address.city,
                "state": address.state, "postalCode": address.postal_code, "country": address.country,
                "latitude": address.latitude, "longitude": address.longitude,
            }),
            Value::FullName(name) => json!({"firstName": name.first_name, "lastName": name.last_name}),
        }
    }
    let cases = [
        (field(FieldType::Text), json!(" Globex ")),
        (field(FieldType::Markdown), json!(" # Notes\n")),
        (field(FieldType::Number), json!(12.5)),
        (currency(Some("JPY")), json!("1500.00")),
        (field(FieldType::Checkbox), json!("TRUE")),
        (field(FieldType::Datetime), json!("2026-03-16T14:00:00.5+02:00")),
        (field(FieldType::Date), json!(1_773_619_200_000_i64)),
        (multiple(FieldType::Email), json!("Ada@Example.COM")),
        (field(FieldType::Url), json!("Globex.example")),
        (field(FieldType::Url), json!("globex.example?q=1")),
        (
            multiple(FieldType::Telephone),
            json!(["(503) 555-0100 ext. 12", "+44 20 7946 0958"]),
        ),
        (
            handle(Some(HandleService::Linkedin)),
            json!("uk.linkedin.com/in/ada/"),
        ),
        (
            handle(Some(HandleService::Facebook)),
            json!("facebook.com/profile.php?id=1"),
        ),
        (deal_stage(), json!("closed won")),
        (tags(), json!(["gamma", "alpha"])),
        (
            field(FieldType::Address),
            json!({"street": " 1 Main St", "country": "Germany", "latitude": 1.5}),
        ),
        (field(FieldType::FullName), json!("Ada King Lovelace")),
    ];
    for (field, input) in cases {
        let first = normalize(&field, &input).unwrap().unwrap();
        let second = normalize(&field, &to_json(&first)).unwrap().unwrap();
        assert_eq!(first, second, "{input}");
    }
}

/// Odd inputs for every field type come back as a value or an error, never a panic.
#[test]
fn never_panics() {
    let strings = [
        "",
        " ",
        "\u{0}",
        "+",
        "++1",
        "#",
        "x",
        ";ext=",
        "ext.",
        "(",
        ")",
        "1e",
        "-",
        ".",
        "e5",
        "1e-99999999999999999999",
        "99999999999999999999999999999999999999999",
        "é",
        "ü@ü.ü",
        "@",
        "@@",
        "https://",
        "http://[::1]",
        "http://[",
        "ß://x",
        "x:",
        ":",
        "//",
        "\\\\",
        "0000-00-00",
        "2026-13-45",
        "9999-12-31T23:59:59Z",
        "+275760-01-01T00:00:00Z",
        "１２３",
        "+１ ５０３",
        "{",
        "[]",
        "Ω",
        "\u{200F}",
        "x.com:99999",
        "opt_",
        "linkedin.com/in/",
        "facebook.com/profile.php?id=",
    ];
    let mut inputs: Vec<Json> = strings.iter().map(|text| json!(text)).collect();
    inputs.extend([
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(f64::MAX),
        json!(f64::MIN_POSITIVE),
        json!([]),
        json!([null]),
        json!([[]]),
        json!({}),
        json!({"latitude": f64::MAX, "country": ""}),
        Json::Array(strings.iter().map(|text| json!(text)).collect()),
    ]);
    let services = [
        None,
        Some(HandleService::Twitter),
        Some(HandleService::Linkedin),
        Some(HandleService::Facebook),
    ];
    for field_type in FieldType::ALL {
        for service in services {
            for code in [None, Some("JPY"), Some("XAU"), Some("nope")] {
                let mut field = select(field_type, &[("opt_a", "A"), ("opt_b", "a")]);
                field.config.handle_service = service;
                field.config.currency = code.map(Into::into);
                for input in &inputs {
                    let _ = normalize(&field, input);
                    if let Json::String(text) = input {
                        let _ = parse_text(&field, text);
                    }
                }
            }
        }
    }
}
