//! CSV the way Danish Excel writes and reads it.
//!
//! Danish Excel uses `;` as the delimiter (the comma is the decimal separator), writes
//! "CSV UTF-8" with a byte-order mark, and older versions write Windows-1252. Imports accept
//! all of these; exports produce what Excel opens correctly by double-click: UTF-8 with BOM,
//! `;`, CRLF.

use csv::{QuoteStyle, ReaderBuilder, Terminator, WriterBuilder};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

const MSG_EMPTY: &str = "Filen er tom.";
const MSG_MALFORMED: &str =
    "Filen kunne ikke læses som CSV. Gem den fra Excel som CSV og prøv igen.";
const MSG_CONTROL: &str = "Filen indeholder usynlige styretegn (fx nul-tegn), som ikke kan \
     gemmes. Er det en regnearksfil? Gem den fra Excel som CSV og prøv igen.";

/// Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"), plus
/// the apostrophe itself so that escaping can always be undone exactly (see [`unescape_cell`]).
const ESCAPED_LEADS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// A parsed CSV file: the header line and the data records after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the file where the record starts (the header is normally line 1), so
    /// messages can say "linje 7" even when quoted fields span several lines.
    pub line: usize,
    /// Trimmed and unescaped fields; their number may differ from the header's.
    pub fields: Vec<String>,
}

/// Turns file bytes into text: a UTF-8 BOM is stripped; valid UTF-8 is used as is; anything
/// else is read as Windows-1252, which is what older Excel versions save ("Køge" as `K\xF8ge`).
/// Files with a UTF-16 BOM (Excel's "Unicode text") are decoded as UTF-16.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        return encoding
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Picks the delimiter from the header line: whichever of `;`, `,` and tab occurs most often
/// outside quotes. Ties and header lines without any of them give `;`, Danish Excel's choice.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut semicolons = 0;
    let mut commas = 0;
    let mut tabs = 0;
    let mut in_quotes = false;
    // The csv reader skips blank lines, so the header is the first non-blank line.
    for c in text.trim_start_matches(['\r', '\n']).chars() {
        match c {
            // A doubled quote inside a quoted field toggles twice, which is still right.
            '"' => in_quotes = !in_quotes,
            '\r' | '\n' if !in_quotes => break,
            ';' if !in_quotes => semicolons += 1,
            ',' if !in_quotes => commas += 1,
            '\t' if !in_quotes => tabs += 1,
            _ => {}
        }
    }
    if commas > semicolons && commas >= tabs {
        b','
    } else if tabs > semicolons && tabs > commas {
        b'\t'
    } else {
        b';'
    }
}

/// Reads an uploaded CSV file: decodes it, detects the delimiter, trims and unescapes every
/// field and skips completely empty rows. The first non-empty row is the header.
pub fn read_table(bytes: &[u8]) -> Result<Table, &'static str> {
    let text = decode(bytes);
    // Nothing a spreadsheet saves as CSV holds them; a NUL cannot even be stored.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(MSG_CONTROL);
    }
    let mut reader = ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .has_headers(false)
        // Rows with too few or too many fields are kept; the caller reports them by line.
        .flexible(true)
        .from_reader(text.as_bytes());

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // Line counting is done here rather than with the csv crate's `Position::line`, which
    // points at the end of the previous record (before its "\n" and any blank lines).
    let (mut line, mut counted_to) = (1, 0);
    for record in reader.records() {
        let record = record.map_err(|_| MSG_MALFORMED)?;
        let after_previous = record.position().map_or(counted_to, |p| p.byte() as usize);
        let start = after_previous
            + text.as_bytes()[after_previous..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        line += count_line_breaks(&text.as_bytes()[counted_to..start]);
        counted_to = start;
        let fields: Vec<String> = record
            .iter()
            .map(|field| unescape_cell(field.trim()).to_string())
            .collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if headers.is_none() {
            headers = Some(fields);
        } else {
            rows.push(Row { line, fields });
        }
    }
    let headers = headers.ok_or(MSG_EMPTY)?;
    Ok(Table { headers, rows })
}

/// Counts line breaks as an editor shows them: "\r\n", "\n" or a lone "\r" (old Mac Excel).
fn count_line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Writes a CSV file that Danish Excel opens correctly: UTF-8 with BOM, `;` as delimiter,
/// CRLF line endings, fields quoted only where needed, and formula-like cells escaped.
pub fn write_excel_csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    // Header fields are always quoted: a comma or tab in an unquoted header would otherwise
    // make `detect_delimiter` pick the wrong delimiter when the file is imported again.
    out = write_records(
        out,
        QuoteStyle::Always,
        std::iter::once(headers.iter().map(|h| escape_cell(h)).collect()),
    );
    write_records(
        out,
        QuoteStyle::Necessary,
        rows.into_iter()
            .map(|row| row.iter().map(|cell| escape_cell(cell)).collect()),
    )
}

/// Appends records to `out` with the export settings and the given quoting.
fn write_records(
    out: Vec<u8>,
    quote_style: QuoteStyle,
    records: impl Iterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut writer = WriterBuilder::new()
        .delimiter(b';')
        .terminator(Terminator::CRLF)
        .quote_style(quote_style)
        .flexible(true)
        .from_writer(out);
    for record in records {
        writer
            .write_record(&record)
            .expect("writing CSV to memory cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail")
}

/// Prefixes a cell with `'` when it starts with a character in [`ESCAPED_LEADS`], so a
/// spreadsheet shows it as text instead of evaluating it as a formula.
fn escape_cell(cell: &str) -> String {
    if cell.starts_with(ESCAPED_LEADS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes the export escaping: removes a leading `'` when the next character is one of
/// `=`, `+`, `-`, `@`, tab, CR or `'`. Because a cell that itself starts with `'` is escaped
/// too, import of an exported file gives back exactly the original cells.
pub fn unescape_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(ESCAPED_LEADS) => rest,
        _ => s,
    }
}

/// Parses a number as people write it in Danish spreadsheets: "12,5", "12.5", "1.234,5",
/// "1.234.567", "1234", "-3", with surrounding spaces. Returns `None` for anything else,
/// including the English "1,234.5" (rather than guess).
///
/// A single dot with no comma is read as a decimal point ("12.5" = 12.5, so "1.234" = 1.234);
/// dots are thousands separators only when there is a decimal comma or more than one dot.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int_part, frac_part) = match body.split_once(',') {
        Some((int_part, frac)) => (thousands_grouped(int_part)?, Some(frac)),
        None if body.matches('.').count() == 1 => {
            let (int_part, frac) = body.split_once('.')?;
            (int_part.to_string(), Some(frac))
        }
        None => (thousands_grouped(body)?, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(&int_part) || !frac_part.is_none_or(all_digits) {
        return None;
    }
    let text = match frac_part {
        Some(frac) => format!("{int_part}.{frac}"),
        None => int_part,
    };
    let value: f64 = text.parse().ok()?;
    let value = if negative { -value } else { value };
    value.is_finite().then_some(value)
}

/// Parses a figure as Danish statistics write it, where a dot always groups thousands:
/// "2.370" (2370), "-80", "−80" (a minus sign), "+12", "1.234,5". `None` for anything else.
pub fn parse_grouped_number(s: &str) -> Option<f64> {
    let s = s.trim().replace(['\u{2212}', '\u{2013}'], "-");
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let (int_part, frac) = match body.split_once(',') {
        Some((int_part, frac)) => (int_part, Some(frac)),
        None => (body, None),
    };
    let digits = thousands_grouped(int_part)?;
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(&digits) || !frac.is_none_or(all_digits) {
        return None;
    }
    let value: f64 = match frac {
        Some(f) => format!("{digits}.{f}").parse().ok()?,
        None => digits.parse().ok()?,
    };
    Some(if negative { -value } else { value })
}

/// Removes thousands dots from an integer part ("1.234.567" → "1234567"), checking that the
/// groups are well formed (first 1–3 digits, then exactly 3). Without dots, returns it as is.
fn thousands_grouped(int_part: &str) -> Option<String> {
    let mut groups = int_part.split('.');
    let first = groups.next()?;
    let mut digits = first.to_string();
    if int_part.contains('.') && !(1..=3).contains(&first.len()) {
        return None;
    }
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Turns a column heading into a key for matching: trimmed, lower-case, æ/ø/å spelled out,
/// and spaces, dashes, underscores and dots removed. "CVR-nr.", "cvr nr" and "CVR_nr" all
/// become "cvrnr"; "Postnr." becomes "postnr"; "Første kontakt" becomes "foerstekontakt".
pub fn normalize_header(h: &str) -> String {
    let mut key = String::with_capacity(h.len());
    for c in h.trim().to_lowercase().chars() {
        match c {
            'æ' => key.push_str("ae"),
            'ø' => key.push_str("oe"),
            'å' => key.push_str("aa"),
            '-' | '_' | '.' => {}
            c if c.is_whitespace() => {}
            c => key.push(c),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    #[test]
    fn grouped_numbers_read_dots_as_thousands() {
        let p = parse_grouped_number;
        assert_eq!(p("2.370"), Some(2370.0));
        assert_eq!(p("1.234,5"), Some(1234.5));
        assert_eq!(p("-80"), Some(-80.0));
        assert_eq!(p("\u{2212}80"), Some(-80.0));
        assert_eq!(p("+12"), Some(12.0));
        assert_eq!(p(" 69 "), Some(69.0));
        for bad in ["2.3x0", "2.37", "abc", "", "1,2,3", "12.5.1"] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn decode_strips_bom_and_reads_utf8() {
        assert_eq!(decode(b"\xEF\xBB\xBFNavn;By"), "Navn;By");
        assert_eq!(decode("Køge".as_bytes()), "Køge");
        assert_eq!(decode(b""), "");
    }

    #[test]
    fn decode_falls_back_to_windows_1252() {
        assert_eq!(decode(b"K\xF8ge"), "Køge");
        assert_eq!(decode(b"\xC6r\xF8 \xC5by"), "Ærø Åby");
        // 0x80 is the euro sign in Windows-1252 (not a C1 control as in Latin-1).
        assert_eq!(decode(b"5 \x80"), "5 €");
        // A UTF-8 BOM followed by invalid UTF-8 still falls back.
        assert_eq!(decode(b"\xEF\xBB\xBFK\xF8ge"), "Køge");
    }

    #[test]
    fn decode_reads_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Navn\tBy\r\nA\tKøge".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes), "Navn\tBy\r\nA\tKøge");
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter("Navn;CVR;Postnr\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter("Navn,CVR,Postnr\n1;2;3"), b',');
        assert_eq!(detect_delimiter("Navn\tCVR\tPostnr"), b'\t');
        assert_eq!(detect_delimiter("\"Navn, by\";CVR"), b';');
        assert_eq!(detect_delimiter("\"a;b;c\",CVR"), b',');
        assert_eq!(detect_delimiter("Navn"), b';');
        assert_eq!(detect_delimiter(""), b';');
        assert_eq!(detect_delimiter("a;b,c"), b';');
        assert_eq!(detect_delimiter("\r\n\r\nA,B"), b',');
        // A quoted header containing a newline: the rest of the header line still counts.
        assert_eq!(detect_delimiter("\"Navn\nlang\",B,C\n1;2;3;4;5"), b',');
    }

    #[test]
    fn reads_excel_file_with_bom_quotes_and_multiline_field() {
        let bytes = b"\xEF\xBB\xBFNavn;Adresse;Postnr\r\n\
            Jensen ApS;\"Vej 1; st.\r\n2. sal\";4600\r\n\
            ;;\r\n\
            \" Hansen \";Torvet 2;4000\r\n";
        let table = read_table(bytes).unwrap();
        assert_eq!(table.headers, strings(&["Navn", "Adresse", "Postnr"]));
        assert_eq!(
            table.rows,
            vec![
                Row {
                    line: 2,
                    fields: strings(&["Jensen ApS", "Vej 1; st.\r\n2. sal", "4600"]),
                },
                // Line 4 is the empty ";;" row; the quoted field above took lines 2-3.
                Row {
                    line: 5,
                    fields: strings(&["Hansen", "Torvet 2", "4000"]),
                },
            ]
        );
    }

    #[test]
    fn reads_windows_1252_and_keeps_ragged_rows() {
        let bytes = b"Navn;By\r\nFirma A;K\xF8ge\r\nFirma B\r\nFirma C;R\xF8dby;ekstra\r\n";
        let table = read_table(bytes).unwrap();
        assert_eq!(table.headers, strings(&["Navn", "By"]));
        assert_eq!(table.rows[0].fields, strings(&["Firma A", "Køge"]));
        assert_eq!(table.rows[1].fields, strings(&["Firma B"]));
        assert_eq!(
            table.rows[2].fields,
            strings(&["Firma C", "Rødby", "ekstra"])
        );
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }

    #[test]
    fn reads_comma_and_lf_files() {
        let table = read_table(b"cvr,navn\n10150817,\"Firma, A\"\n\n25313763,B\n").unwrap();
        assert_eq!(table.headers, strings(&["cvr", "navn"]));
        assert_eq!(table.rows[0].fields, strings(&["10150817", "Firma, A"]));
        assert_eq!(table.rows[1].line, 4);
    }

    #[test]
    fn empty_files_are_refused() {
        assert_eq!(read_table(b""), Err(MSG_EMPTY));
        assert_eq!(read_table(b"Navn\r\nBager\0 ApS\r\n"), Err(MSG_CONTROL));
        assert_eq!(read_table(b"PK\x03\x04\x14\x00"), Err(MSG_CONTROL));
        assert_eq!(read_table(b"\xEF\xBB\xBF"), Err(MSG_EMPTY));
        assert_eq!(read_table(b"\r\n\r\n"), Err(MSG_EMPTY));
        assert_eq!(read_table(b";;\r\n ; \r\n"), Err(MSG_EMPTY));
    }

    #[test]
    fn line_numbers_skip_blank_lines_and_handle_cr() {
        let table = read_table(b"\r\n\nA;B\n\n1;2\n\n\n3;\"x\ny\nz\"\n4;5").unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![5, 8, 11]);
        let table = read_table(b"A;B\r1;2\r3;4\r").unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3]);
    }

    #[test]
    fn header_only_file_has_no_rows() {
        let table = read_table(b"Navn;CVR\r\n").unwrap();
        assert_eq!(table.headers, strings(&["Navn", "CVR"]));
        assert!(table.rows.is_empty());
    }

    #[test]
    fn export_format() {
        let bytes = write_excel_csv(
            &["Navn", "Beløb"],
            vec![
                strings(&["Firma; A", "1.234,50"]),
                strings(&["=SUM(A1)", "-5"]),
                strings(&["Sige \"hej\"", "+45 12 34 56 78"]),
                strings(&["@navn", "'tekst"]),
            ],
        );
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}\"Navn\";\"Beløb\"\r\n\
             \"Firma; A\";1.234,50\r\n\
             '=SUM(A1);'-5\r\n\
             \"Sige \"\"hej\"\"\";'+45 12 34 56 78\r\n\
             '@navn;''tekst\r\n"
        );
    }

    #[test]
    fn escaping_round_trips() {
        for cell in [
            "=1+2", "+45", "-5", "@x", "\tx", "\rx", "'", "'x", "''=", "x", "",
        ] {
            assert_eq!(unescape_cell(&escape_cell(cell)), cell, "{cell:?}");
        }
        // Text that was never escaped is left alone.
        assert_eq!(unescape_cell("'hej"), "'hej");
        assert_eq!(unescape_cell("'"), "'");
        assert_eq!(unescape_cell("'=A1"), "=A1");
    }

    #[test]
    fn export_then_import() {
        let bytes = write_excel_csv(
            &["CVR-nr.", "Navn"],
            vec![
                strings(&["10150817", "=HYPERLINK(\"x\")"]),
                strings(&["25313763", "Køge; Ærø\r\nÅbyhøj"]),
            ],
        );
        let table = read_table(&bytes).unwrap();
        assert_eq!(table.headers, strings(&["CVR-nr.", "Navn"]));
        assert_eq!(
            table.rows[0].fields,
            strings(&["10150817", "=HYPERLINK(\"x\")"])
        );
        assert_eq!(
            table.rows[1].fields,
            strings(&["25313763", "Køge; Ærø\r\nÅbyhøj"])
        );
        assert_eq!(table.rows[1].line, 3);
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("12,5"), Some(12.5));
        assert_eq!(parse_decimal("12.5"), Some(12.5));
        assert_eq!(parse_decimal("1.234,5"), Some(1234.5));
        assert_eq!(parse_decimal("1.234.567,25"), Some(1_234_567.25));
        assert_eq!(parse_decimal("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_decimal("1234"), Some(1234.0));
        assert_eq!(parse_decimal(" 37,5 "), Some(37.5));
        assert_eq!(parse_decimal("0,5"), Some(0.5));
        assert_eq!(parse_decimal("-3,25"), Some(-3.25));
        assert_eq!(parse_decimal("007"), Some(7.0));
        for garbage in [
            "", " ", "-", "abc", "12a", "1,2,3", "1,234.5", "1.23,4", "12.34.5", ",5", "5,", ".5",
            "5.", "1 234", "--1", "+-1", "1e5", "inf", "NaN", "12..5", "1.2345,6",
        ] {
            assert_eq!(parse_decimal(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn header_keys() {
        assert_eq!(normalize_header("CVR-nr."), "cvrnr");
        assert_eq!(normalize_header("cvr nr"), "cvrnr");
        assert_eq!(normalize_header("CVR_nr"), "cvrnr");
        assert_eq!(normalize_header(" Postnr. "), "postnr");
        assert_eq!(normalize_header("Første kontakt"), "foerstekontakt");
        assert_eq!(normalize_header("ANTAL ÅRSVÆRK"), "antalaarsvaerk");
        assert_eq!(normalize_header("P-nummer"), "pnummer");
        assert_eq!(normalize_header(""), "");
    }

    /// A cell without leading or trailing whitespace, drawn from characters that matter to
    /// CSV and spreadsheets.
    fn cell() -> impl Strategy<Value = String> {
        "([a-zA-Z0-9æøåÆØÅé ;,\"'=+@\t.-]|\r\n|\n|\r){0,12}".prop_map(|s| s.trim().to_string())
    }

    proptest! {
        #[test]
        fn export_import_round_trip(
            (headers, rows) in (1usize..6).prop_flat_map(|width| (
                prop::collection::vec(cell(), width)
                    .prop_filter("header not empty", |h| h.iter().any(|c| !c.is_empty())),
                prop::collection::vec(
                    prop::collection::vec(cell(), width)
                        .prop_filter("row not empty", |r| r.iter().any(|c| !c.is_empty())),
                    0..6,
                ),
            ))
        ) {
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let bytes = write_excel_csv(&header_refs, rows.clone());
            let table = read_table(&bytes).unwrap();
            prop_assert_eq!(&table.headers, &headers);
            let fields: Vec<Vec<String>> = table.rows.iter().map(|r| r.fields.clone()).collect();
            prop_assert_eq!(&fields, &rows);
            // Line numbers rise and account for line breaks inside quoted fields.
            let breaks = |cells: &[String]| -> usize {
                cells.iter().map(|c| count_line_breaks(c.as_bytes())).sum()
            };
            let mut expected_line = 1 + breaks(&headers) + 1;
            for (row, original) in table.rows.iter().zip(&rows) {
                prop_assert_eq!(row.line, expected_line);
                expected_line += breaks(original) + 1;
            }
        }

        #[test]
        fn escaping_is_reversible(s in ".{0,10}") {
            let escaped = escape_cell(&s);
            prop_assert_eq!(unescape_cell(&escaped), s.as_str());
            prop_assert!(!escaped.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }

        #[test]
        fn danish_and_plain_decimals_agree(int in 0u64..10_000_000_000, cents in 0u32..100) {
            let plain = format!("{int}.{cents:02}");
            let expected: f64 = plain.parse().unwrap();
            // Danish formatting with thousands dots.
            let digits = int.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            prop_assert_eq!(parse_decimal(&format!("{grouped},{cents:02}")), Some(expected));
            prop_assert_eq!(parse_decimal(&format!(" {int},{cents:02} ")), Some(expected));
            prop_assert_eq!(parse_decimal(&plain), Some(expected));
            prop_assert_eq!(parse_decimal(&format!("-{plain}")), Some(-expected));
        }

        #[test]
        fn header_keys_have_no_separators(h in ".{0,20}") {
            let key = normalize_header(&h);
            prop_assert!(!key.contains(['-', '_', '.', 'æ', 'ø', 'å']));
            prop_assert!(!key.chars().any(char::is_whitespace));
            prop_assert_eq!(normalize_header(&key), key.clone());
        }
    }
}
