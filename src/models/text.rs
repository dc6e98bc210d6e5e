//! Texts each jobcenter words itself: the mails the system sends and a few texts of the public
//! contact form. Each has a shipped default (`templates/texts/*.tera`, compiled into the
//! binary) and, per jobcenter, the versions its administrators saved (`texts`, newest wins; a
//! row without text is "back to the default"). They are Tera templates, rendered at run time
//! from a context of documented variables only (see the README's design notes: askama renders
//! the pages, Tera the texts edited while the system runs).
//!
//! Every text is plain text: mails are sent as text/plain, and the page texts are inserted
//! into askama pages, which escape them. So Tera's HTML autoescape is off, and nothing an
//! administrator writes becomes markup.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};
use tera::ast::{Expr, ExprVal, Node};

use super::{FieldErrors, WriteError};
use crate::db::schema::{texts, users};
use crate::db::{DbConn, write_tx};

/// Longest text a part may hold.
pub const MAX_CHARS: usize = 10_000;

/// Where a text is used: a mail (subject and body) or a page (body only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mail,
    Page,
}

/// One text the jobcenter can word itself.
#[derive(Debug)]
pub struct TextKind {
    /// In addresses and the database.
    pub key: &'static str,
    pub title: &'static str,
    /// When it is used, for the list of texts.
    pub about: &'static str,
    pub kind: Kind,
    /// The variables it may use, with a one-line meaning each.
    pub variables: &'static [(&'static str, &'static str)],
    default_subject: &'static str,
    default_body: &'static str,
    /// Example values of every variable, for the preview and for checking a text.
    sample: fn() -> Value,
}

const RECEIPT_VARS: &[(&str, &str)] = &[
    (
        "virksomhed",
        "Virksomhedens navn, som det blev skrevet i formularen (forkortet, links gjort ufarlige)",
    ),
    ("emne", "Hvad henvendelsen drejer sig om, fx rekruttering"),
    ("modtaget", "Datoen, henvendelsen kom ind"),
    ("dage", "Antal arbejdsdage, jobcentret lover svar inden for"),
    ("svar_senest", "Ugedag og dato for svaret senest"),
    ("jobcenter", "Jobcentrets navn"),
    (
        "underskrift",
        "Jobcentrets navn, telefon, e-mail, åbningstid og adresse, én pr. linje",
    ),
];

const ASSIGNED_VARS: &[(&str, &str)] = &[
    (
        "konsulent.navn",
        "Navnet på den konsulent, der får henvendelsen",
    ),
    ("virksomhed", "Virksomhedens navn"),
    ("emne", "Hvad henvendelsen drejer sig om"),
    (
        "hvorfor",
        "Hvorfor den er tildelt konsulenten, fx fordi konsulenten er fast kontakt",
    ),
    ("dage", "Antal arbejdsdage, jobcentret lover svar inden for"),
    ("svar_senest", "Ugedag og dato for svaret senest"),
    ("link", "Adressen på henvendelsen i systemet"),
];

const TEAM_VARS: &[(&str, &str)] = &[
    ("virksomhed", "Virksomhedens navn"),
    ("emne", "Hvad henvendelsen drejer sig om"),
    ("link", "Adressen på henvendelsen i systemet"),
];

const SURVEY_VARS: &[(&str, &str)] = &[
    ("hilsen", "„Hej“ og kontaktpersonens navn, når det kendes"),
    ("afsender", "Jobcentrets navn som afsender"),
    (
        "om",
        "Hvad spørgsmålet gælder, fx „ved besøget den 4. december 2026“",
    ),
    ("link", "Linket til spørgsmålet (virker én gang)"),
    ("udloeber", "Sidste dag linket virker"),
    (
        "underskrift",
        "Jobcentrets navn, telefon, e-mail, åbningstid og adresse, én pr. linje",
    ),
];

const THANKS_VARS: &[(&str, &str)] = &[
    ("jobcenter", "Jobcentrets navn"),
    ("dage", "Antal arbejdsdage, jobcentret lover svar inden for"),
    ("svar_senest", "Ugedag og dato for svaret senest"),
    (
        "kvittering",
        "Sand, når der er sendt en kvittering på e-mail (brug {% if kvittering %} … {% endif %})",
    ),
];

const INTRO_VARS: &[(&str, &str)] = &[
    ("jobcenter", "Jobcentrets navn"),
    ("dage", "Antal arbejdsdage, jobcentret lover svar inden for"),
];

const CONSENT_VARS: &[(&str, &str)] = &[("jobcenter", "Jobcentrets navn")];

const SUMMARY_VARS: &[(&str, &str)] = &[
    ("virksomhed", "Virksomhedens navn"),
    (
        "kontaktperson",
        "Navnet på den kontaktperson, besøget var med (tomt, når ingen er valgt)",
    ),
    (
        "besoeg.art",
        "Hvad det var, i bestemt form: besøget, mødet, telefonsamtalen …",
    ),
    ("besoeg.dato", "Datoen for besøget"),
    ("emner", "Emnerne, I talte om, fx småjob, rekruttering"),
    ("referat", "Konsulentens notat fra besøget"),
    (
        "opfoelgning",
        "Datoen for næste opfølgning (tom, når der ingen er)",
    ),
    ("aftalt", "Notatet til opfølgningen"),
    ("konsulent.navn", "Konsulentens navn"),
    (
        "konsulent.telefon",
        "Konsulentens telefon (tom, når den ikke er udfyldt)",
    ),
    ("konsulent.email", "Konsulentens e-mail"),
    ("jobcenter", "Jobcentrets navn udadtil"),
];

const SIGNATURE: &str = "Jobcenter Køge\nTelefon: 56 67 67 67\nE-mail: virksomhed@koege.dk";

/// Every text, in the order of the list.
pub const ALL: &[TextKind] = &[
    TextKind {
        key: "receipt",
        title: "Kvittering til virksomheden",
        about: "Sendes til den e-mailadresse, der blev skrevet i kontaktformularen.",
        kind: Kind::Mail,
        variables: RECEIPT_VARS,
        default_subject: include_str!("../../templates/texts/receipt.subject.tera"),
        default_body: include_str!("../../templates/texts/receipt.body.tera"),
        sample: || {
            json!({
                "virksomhed": "Lagerhuset ApS",
                "emne": "rekruttering",
                "modtaget": "4. december 2026",
                "dage": 2,
                "svar_senest": "tirsdag den 8. december 2026",
                "jobcenter": "Jobcenter Køge",
                "underskrift": SIGNATURE,
            })
        },
    },
    TextKind {
        key: "assigned",
        title: "Besked til konsulenten om en tildelt henvendelse",
        about: "Sendes til konsulenten, når en henvendelse bliver tildelt dem.",
        kind: Kind::Mail,
        variables: ASSIGNED_VARS,
        default_subject: include_str!("../../templates/texts/assigned.subject.tera"),
        default_body: include_str!("../../templates/texts/assigned.body.tera"),
        sample: || {
            json!({
                "konsulent": { "navn": "Karen Konsulent" },
                "virksomhed": "Lagerhuset ApS",
                "emne": "Rekruttering",
                "hvorfor": "Du er virksomhedens faste kontakt, så henvendelsen er tildelt dig.",
                "dage": 2,
                "svar_senest": "tirsdag den 8. december 2026",
                "link": "https://crm.koege.dk/requests/123",
            })
        },
    },
    TextKind {
        key: "team",
        title: "Besked til teamets e-mail om en ny henvendelse",
        about: "Sendes til teamets e-mailadresse, når en henvendelse ikke kunne tildeles nogen.",
        kind: Kind::Mail,
        variables: TEAM_VARS,
        default_subject: include_str!("../../templates/texts/team.subject.tera"),
        default_body: include_str!("../../templates/texts/team.body.tera"),
        sample: || {
            json!({
                "virksomhed": "Lagerhuset ApS",
                "emne": "Rekruttering",
                "link": "https://crm.koege.dk/requests/123",
            })
        },
    },
    TextKind {
        key: "survey",
        title: "Spørgsmål om tilfredshed",
        about: "Sendes til virksomheden efter et besøg eller en besvaret henvendelse, når \
                tilfredshedsmålingen er slået til.",
        kind: Kind::Mail,
        variables: SURVEY_VARS,
        default_subject: include_str!("../../templates/texts/survey.subject.tera"),
        default_body: include_str!("../../templates/texts/survey.body.tera"),
        sample: || {
            json!({
                "hilsen": "Hej Hanne Hansen",
                "afsender": "Jobcenter Køge",
                "om": "ved besøget den 4. december 2026",
                "link": "https://crm.koege.dk/tilfredshed/eksempel",
                "udloeber": "3. januar 2027",
                "underskrift": SIGNATURE,
            })
        },
    },
    TextKind {
        key: "thanks",
        title: "Takkesiden: Hvad sker der nu?",
        about: "Vises efter en henvendelse i kontaktformularen. Hver linje er et trin.",
        kind: Kind::Page,
        variables: THANKS_VARS,
        default_subject: "",
        default_body: include_str!("../../templates/texts/thanks.body.tera"),
        sample: || {
            json!({
                "jobcenter": "Jobcenter Køge",
                "dage": 2,
                "svar_senest": "tirsdag den 8. december 2026",
                "kvittering": true,
            })
        },
    },
    TextKind {
        key: "intro",
        title: "Kontaktformularens indledning",
        about: "Står øverst i kontaktformularen. En tom linje starter et nyt afsnit.",
        kind: Kind::Page,
        variables: INTRO_VARS,
        default_subject: "",
        default_body: include_str!("../../templates/texts/intro.body.tera"),
        sample: || json!({ "jobcenter": "Jobcenter Køge", "dage": 2 }),
    },
    TextKind {
        key: "consent",
        title: "Samtykketekst i kontaktformularen",
        about: "Står over afkrydsningen „Ja, I må bruge oplysningerne til at svare mig“. \
                Linket til jobcentrets privatlivspolitik sættes efter teksten.",
        kind: Kind::Page,
        variables: CONSENT_VARS,
        default_subject: "",
        default_body: include_str!("../../templates/texts/consent.body.tera"),
        sample: || json!({ "jobcenter": "Jobcenter Køge" }),
    },
    SUMMARY,
];

/// The summary of a visit a consultant sends the company (prefilled, edited before sending).
pub const SUMMARY: TextKind = TextKind {
    key: "summary",
    title: "Opsummering af et besøg til virksomheden",
    about: "Udfylder opsummeringen, som konsulenten kan rette i og sende til virksomheden efter \
            et besøg, et møde eller en samtale.",
    kind: Kind::Mail,
    variables: SUMMARY_VARS,
    default_subject: include_str!("../../templates/texts/summary.subject.tera"),
    default_body: include_str!("../../templates/texts/summary.body.tera"),
    sample: || {
        json!({
            "virksomhed": "Lagerhuset ApS",
            "kontaktperson": "Hanne Hansen",
            "besoeg": { "art": "besøget", "dato": "4. december 2026" },
            "emner": "småjob, rekruttering",
            "referat": "Lageret mangler to medarbejdere fra marts. Vi sender kandidater.",
            "opfoelgning": "15. december 2026",
            "aftalt": "Ring om kandidaterne",
            "konsulent": {
                "navn": "Karen Konsulent",
                "telefon": "56 67 12 34",
                "email": "karen@koege.dk",
            },
            "jobcenter": "Jobcenter Køge",
        })
    },
};

impl TextKind {
    pub fn find(key: &str) -> Option<&'static TextKind> {
        ALL.iter().find(|t| t.key == key)
    }

    fn get(key: &str) -> &'static TextKind {
        Self::find(key).expect("a text of the catalogue")
    }

    pub fn receipt() -> &'static TextKind {
        Self::get("receipt")
    }
    pub fn assigned() -> &'static TextKind {
        Self::get("assigned")
    }
    pub fn team() -> &'static TextKind {
        Self::get("team")
    }
    pub fn survey() -> &'static TextKind {
        Self::get("survey")
    }
    pub fn thanks() -> &'static TextKind {
        Self::get("thanks")
    }
    pub fn intro() -> &'static TextKind {
        Self::get("intro")
    }
    pub fn consent() -> &'static TextKind {
        Self::get("consent")
    }
    pub fn summary() -> &'static TextKind {
        Self::get("summary")
    }

    pub fn is_mail(&self) -> bool {
        self.kind == Kind::Mail
    }

    pub fn sample(&self) -> Value {
        (self.sample)()
    }

    /// The shipped wording.
    pub fn default_wording(&self) -> Wording {
        Wording {
            subject: self.default_subject.trim_end_matches('\n').to_string(),
            body: self.default_body.to_string(),
        }
    }

    /// Refuses, next to its field, a part that does not parse, uses a variable this text does
    /// not have, or cannot be rendered with example values; says where (line and column).
    pub fn check(&self, wording: &Wording) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut parts = vec![("body", &wording.body)];
        if self.is_mail() {
            parts.insert(0, ("subject", &wording.subject));
        }
        for (field, source) in parts {
            if let Err(message) = self.check_part(field, source) {
                errors.insert(field, message);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn check_part(&self, field: &str, source: &str) -> Result<(), String> {
        if source.trim().is_empty() {
            return Err(if field == "subject" {
                "Skriv et emne.".into()
            } else {
                "Skriv teksten.".into()
            });
        }
        if field == "subject" && source.contains('\n') {
            return Err("Emnet skal stå på én linje.".into());
        }
        if source.chars().count() > MAX_CHARS {
            return Err(format!("Teksten må højst være på {MAX_CHARS} tegn."));
        }
        if nesting(source) > MAX_NESTING {
            return Err(format!(
                "Teksten har for mange led inden i hinanden (højst {MAX_NESTING})."
            ));
        }
        let mut tera = engine();
        tera.add_raw_template("text", source)
            .map_err(|e| format!("Teksten kan ikke læses: {}", parse_error(&e)))?;
        let ast = &tera.get_template("text").expect("just added").ast;
        let mut used = Vec::new();
        let mut locals = BTreeSet::new();
        walk(ast, &mut used, &mut locals)
            .map_err(|what| format!("{what} kan ikke bruges i teksterne."))?;
        for name in used {
            let root = name.split(['.', '[']).next().unwrap_or_default();
            if locals.contains(root) || self.knows(&name) {
                continue;
            }
            let (line, col) = position(source, &name);
            return Err(format!(
                "Variablen {{{{ {name} }}}} findes ikke (linje {line}, kolonne {col}). Brug en \
                 af dem, der står under teksten."
            ));
        }
        render_with(&tera, &self.sample())
            .map(drop)
            .map_err(|e| format!("Teksten kan ikke dannes med eksemplets værdier: {e}"))
    }

    /// Whether `name` (e.g. `konsulent.navn`, or `konsulent` itself) is one of this text's
    /// variables.
    fn knows(&self, name: &str) -> bool {
        self.variables.iter().any(|(v, _)| {
            *v == name
                || v.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// The words of a text: a subject (mails only) and a body, as Tera templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    pub subject: String,
    pub body: String,
}

/// A text rendered: what is sent or shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

impl Rendered {
    /// The body's non-empty lines (the thank-you page's steps).
    pub fn lines(&self) -> Vec<String> {
        self.body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The body's paragraphs (split at blank lines), each with its lines joined by spaces.
    pub fn paragraphs(&self) -> Vec<String> {
        self.body
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// A Tera instance that reaches nothing but the context it is given: no environment
/// variables, no other templates (each text is its own one-template instance), no files.
fn engine() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    // Tera's one built-in function that reaches outside the context.
    tera.register_function("get_env", |_: &std::collections::HashMap<String, Value>| {
        Err(tera::Error::msg("get_env kan ikke bruges i teksterne"))
    });
    tera
}

fn render_with(tera: &tera::Tera, context: &Value) -> Result<String, String> {
    let context = tera::Context::from_value(context.clone()).map_err(|e| e.to_string())?;
    tera.render("text", &context).map_err(|e| {
        // The innermost cause says what went wrong ("Variable `x` not found …").
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        cause.to_string()
    })
}

/// Renders `source` with `context`.
fn render_part(source: &str, context: &Value) -> Result<String, String> {
    let mut tera = engine();
    tera.add_raw_template("text", source)
        .map_err(|e| parse_error(&e))?;
    render_with(&tera, context)
}

/// Tera's parse error without its template name, with its line and column.
fn parse_error(e: &tera::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    // " --> 1:4\n  |\n1 | {{ x\n  |    ^---\n  |\n  = expected …"
    let at = text
        .split("-->")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|pos| pos.split_once(':'))
        .map(|(line, col)| format!("linje {line}, kolonne {col}"));
    let expected = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or("ugyldig skabelon")
        .to_string();
    match at {
        Some(at) => format!("{at} ({expected})"),
        None => expected,
    }
}

/// How deep brackets and blocks may nest in a text. The parser (and the walk of its tree)
/// descend once per level: a text of thousands of nested brackets would exhaust the stack.
const MAX_NESTING: usize = 20;

/// The deepest nesting of brackets and of `{% if %}`/`{% for %}`/`{% filter %}` blocks in
/// `source`, counted on the raw text (an overestimate is harmless).
fn nesting(source: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = source;
    while let Some(ch) = rest.chars().next() {
        let opens = matches!(ch, '(' | '[')
            || [
                "{% if",
                "{%- if",
                "{% for",
                "{%- for",
                "{% filter",
                "{%- filter",
            ]
            .iter()
            .any(|o| rest.starts_with(o));
        let closes =
            matches!(ch, ')' | ']') || ["{% end", "{%- end"].iter().any(|o| rest.starts_with(o));
        if opens {
            depth += 1;
            deepest = deepest.max(depth);
        } else if closes {
            depth = depth.saturating_sub(1);
        }
        rest = &rest[ch.len_utf8()..];
    }
    deepest
}

/// Line and column (from 1) of the first place `name` is written in `source`.
fn position(source: &str, name: &str) -> (usize, usize) {
    let at = source.find(name).unwrap_or(0);
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Collects the variables `nodes` read and the names they define themselves (`set`, `for`);
/// refuses what reaches beyond one text (other templates, macros, blocks).
fn walk(
    nodes: &[Node],
    used: &mut Vec<String>,
    locals: &mut BTreeSet<String>,
) -> Result<(), &'static str> {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Raw(..) | Node::Comment(..) | Node::Break(_) => {}
            Node::Continue(_) => {}
            Node::VariableBlock(_, expr) => expr_vars(expr, used),
            Node::Set(_, set) => {
                locals.insert(set.key.clone());
                expr_vars(&set.value, used);
            }
            Node::If(conditions, _) => {
                for (_, expr, body) in &conditions.conditions {
                    expr_vars(expr, used);
                    walk(body, used, locals)?;
                }
                if let Some((_, body)) = &conditions.otherwise {
                    walk(body, used, locals)?;
                }
            }
            Node::Forloop(_, forloop, _) => {
                locals.insert(forloop.value.clone());
                if let Some(key) = &forloop.key {
                    locals.insert(key.clone());
                }
                locals.insert("loop".into());
                expr_vars(&forloop.container, used);
                walk(&forloop.body, used, locals)?;
                if let Some(body) = &forloop.empty_body {
                    walk(body, used, locals)?;
                }
            }
            Node::FilterSection(_, section, _) => {
                for arg in section.filter.args.values() {
                    expr_vars(arg, used);
                }
                walk(&section.body, used, locals)?;
            }
            Node::Extends(..) | Node::Include(..) | Node::ImportMacro(..) => {
                return Err("Andre skabeloner");
            }
            Node::MacroDefinition(..) => return Err("Makroer"),
            Node::Block(..) | Node::Super => return Err("Blokke"),
        }
    }
    Ok(())
}

fn expr_vars(expr: &Expr, used: &mut Vec<String>) {
    val_vars(&expr.val, used);
    for filter in &expr.filters {
        for arg in filter.args.values() {
            expr_vars(arg, used);
        }
    }
}

fn val_vars(val: &ExprVal, used: &mut Vec<String>) {
    match val {
        ExprVal::Ident(name) => used.push(name.clone()),
        ExprVal::Math(m) => {
            expr_vars(&m.lhs, used);
            expr_vars(&m.rhs, used);
        }
        ExprVal::Logic(l) => {
            expr_vars(&l.lhs, used);
            expr_vars(&l.rhs, used);
        }
        ExprVal::Test(t) => {
            used.push(t.ident.clone());
            for arg in &t.args {
                expr_vars(arg, used);
            }
        }
        ExprVal::FunctionCall(f) => {
            for arg in f.args.values() {
                expr_vars(arg, used);
            }
        }
        ExprVal::MacroCall(m) => {
            for arg in m.args.values() {
                expr_vars(arg, used);
            }
        }
        ExprVal::Array(items) => {
            for item in items {
                expr_vars(item, used);
            }
        }
        ExprVal::StringConcat(concat) => {
            for value in &concat.values {
                val_vars(value, used);
            }
        }
        ExprVal::In(i) => {
            expr_vars(&i.lhs, used);
            expr_vars(&i.rhs, used);
        }
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
    }
}

/// One saved version of a jobcenter's text; without wording, a return to the default.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = texts)]
pub struct TextVersion {
    pub id: i64,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub created_at: NaiveDateTime,
}

impl TextVersion {
    pub fn is_default(&self) -> bool {
        self.body.is_none()
    }

    fn wording(&self) -> Option<Wording> {
        Some(Wording {
            subject: self.subject.clone().unwrap_or_default(),
            body: self.body.clone()?,
        })
    }
}

/// A text as a jobcenter has it now.
#[derive(Debug, Clone)]
pub struct Current {
    pub wording: Wording,
    /// The version it is (none: never changed), which an edit is made on.
    pub version_id: i64,
    /// Whether it is the shipped default.
    pub is_default: bool,
}

/// The newest version of one of a jobcenter's texts.
#[derive(Debug, Clone)]
pub struct LastChange {
    pub key: String,
    pub at: NaiveDateTime,
    pub who: Option<String>,
    /// A return to the shipped default.
    pub is_default: bool,
}

/// The jobcenter's texts.
pub struct Texts;

impl Texts {
    /// The text `kind` as the jobcenter has it now.
    pub fn current(c: &mut DbConn, jobcenter_id: i64, kind: &TextKind) -> QueryResult<Current> {
        let latest = texts::table
            .filter(texts::jobcenter_id.eq(jobcenter_id))
            .filter(texts::key.eq(kind.key))
            .order(texts::id.desc())
            .select(TextVersion::as_select())
            .first(c)
            .optional()?;
        Ok(match latest {
            Some(v) => match v.wording() {
                Some(wording) => Current {
                    wording,
                    version_id: v.id,
                    is_default: false,
                },
                None => Current {
                    wording: kind.default_wording(),
                    version_id: v.id,
                    is_default: true,
                },
            },
            None => Current {
                wording: kind.default_wording(),
                version_id: 0,
                is_default: true,
            },
        })
    }

    /// The text `kind` of the jobcenter rendered with `context`. A saved text that no longer
    /// renders (it was checked when saved) falls back to the default, with a warning.
    pub fn render(
        c: &mut DbConn,
        jobcenter_id: i64,
        kind: &TextKind,
        context: &Value,
    ) -> QueryResult<Rendered> {
        let current = Self::current(c, jobcenter_id, kind)?;
        Ok(match render_wording(kind, &current.wording, context) {
            Ok(rendered) => rendered,
            Err(e) => {
                tracing::warn!(
                    text = kind.key,
                    jobcenter_id,
                    "a saved text did not render: {e}"
                );
                render_wording(kind, &kind.default_wording(), context)
                    .unwrap_or_else(|_| Rendered::default())
            }
        })
    }

    /// Every version saved, newest first, with who saved it.
    pub fn versions(
        c: &mut DbConn,
        jobcenter_id: i64,
        kind: &TextKind,
    ) -> QueryResult<Vec<(TextVersion, Option<String>)>> {
        texts::table
            .left_join(users::table)
            .filter(texts::jobcenter_id.eq(jobcenter_id))
            .filter(texts::key.eq(kind.key))
            .order(texts::id.desc())
            .select((TextVersion::as_select(), users::name.nullable()))
            .load(c)
    }

    /// When each text the jobcenter changed was last changed, and by whom.
    pub fn last_changes(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<LastChange>> {
        let rows: Vec<(String, NaiveDateTime, Option<String>, Option<String>)> = texts::table
            .left_join(users::table)
            .filter(texts::jobcenter_id.eq(jobcenter_id))
            .order((texts::key, texts::id.desc()))
            .select((
                texts::key,
                texts::created_at,
                users::name.nullable(),
                texts::body,
            ))
            .load(c)?;
        let mut latest: Vec<LastChange> = Vec::new();
        for (key, at, who, body) in rows {
            if latest.last().is_none_or(|l| l.key != key) {
                latest.push(LastChange {
                    key,
                    at,
                    who,
                    is_default: body.is_none(),
                });
            }
        }
        Ok(latest)
    }

    /// Saves `wording` (or, with none, the default back) as the text's newest version, if
    /// the text is still at `based_on` (the version the form was opened on); else `Stale`.
    pub fn save(
        c: &mut DbConn,
        jobcenter_id: i64,
        kind: &TextKind,
        based_on: i64,
        wording: Option<&Wording>,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, WriteError> {
        if let Some(wording) = wording {
            kind.check(wording).map_err(WriteError::Invalid)?;
        }
        write_tx(c, |c| {
            let current = Self::current(c, jobcenter_id, kind)?;
            if current.version_id != based_on {
                return Err(WriteError::Stale);
            }
            let id = diesel::insert_into(texts::table)
                .values((
                    texts::jobcenter_id.eq(jobcenter_id),
                    texts::key.eq(kind.key),
                    texts::subject.eq(wording.filter(|_| kind.is_mail()).map(|w| &w.subject)),
                    texts::body.eq(wording.map(|w| &w.body)),
                    texts::user_id.eq(user_id),
                    texts::created_at.eq(now),
                ))
                .returning(texts::id)
                .get_result(c)?;
            Ok(id)
        })
    }

    /// One saved version of the jobcenter's text `kind`.
    pub fn version(
        c: &mut DbConn,
        jobcenter_id: i64,
        kind: &TextKind,
        id: i64,
    ) -> QueryResult<TextVersion> {
        texts::table
            .filter(texts::jobcenter_id.eq(jobcenter_id))
            .filter(texts::key.eq(kind.key))
            .filter(texts::id.eq(id))
            .select(TextVersion::as_select())
            .first(c)
    }
}

/// Renders both parts of `wording`; the subject on one line.
pub fn render_wording(
    kind: &TextKind,
    wording: &Wording,
    context: &Value,
) -> Result<Rendered, String> {
    let subject = if kind.is_mail() {
        render_part(&wording.subject, context)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        String::new()
    };
    Ok(Rendered {
        subject,
        body: render_part(&wording.body, context)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wording(subject: &str, body: &str) -> Wording {
        Wording {
            subject: subject.into(),
            body: body.into(),
        }
    }

    #[test]
    fn every_default_checks_and_renders_with_its_example_values() {
        for kind in ALL {
            kind.check(&kind.default_wording())
                .unwrap_or_else(|e| panic!("{}: {e:?}", kind.key));
        }
    }

    #[test]
    fn a_text_that_does_not_parse_is_refused_with_line_and_column() {
        let receipt = TextKind::receipt();
        let errors = receipt
            .check(&wording("Tak", "Goddag\n\n{{ unclosed"))
            .unwrap_err();
        assert!(errors["body"].contains("linje 3"), "{errors:?}");
    }

    #[test]
    fn an_unknown_variable_is_refused_even_where_the_example_would_not_reach() {
        let receipt = TextKind::receipt();
        let errors = receipt
            .check(&wording(
                "Tak",
                "Hej\n{% if false %}  {{ nonexistent }}{% endif %}",
            ))
            .unwrap_err();
        assert!(
            errors["body"].contains("{{ nonexistent }} findes ikke (linje 2, kolonne 20)"),
            "{errors:?}"
        );
        // Another text's variable is no variable of this one.
        assert!(receipt.check(&wording("{{ link }}", "x")).is_err());
        // Names the text defines itself are fine.
        receipt
            .check(&wording(
                "Tak",
                "{% set navn = virksomhed | upper %}{{ navn }}{% for x in [1, 2] %}{{ x }}{{ loop.index }}{% endfor %}",
            ))
            .unwrap();
    }

    #[test]
    fn nothing_outside_the_context_can_be_reached() {
        let receipt = TextKind::receipt();
        for body in [
            r#"{{ get_env(name="SECRET_KEY") }}"#,
            r#"{% include "receipt" %}"#,
            r#"{% extends "base.html" %}"#,
            r#"{% macro x() %}{% endmacro %}"#,
        ] {
            assert!(receipt.check(&wording("Tak", body)).is_err(), "{body}");
        }
    }

    #[test]
    fn deeply_nested_text_is_refused_before_it_is_parsed() {
        let receipt = TextKind::receipt();
        let deep = format!("{{{{ {}1{} }}}}", "(".repeat(3000), ")".repeat(3000));
        let errors = receipt.check(&wording("Tak", &deep)).unwrap_err();
        assert!(errors["body"].contains("for mange led"), "{errors:?}");
        let blocks = "{% if true %}".repeat(30) + &"{% endif %}".repeat(30);
        assert!(receipt.check(&wording("Tak", &blocks)).is_err());
        receipt
            .check(&wording(
                "Tak",
                "{% if (dage > 1) %}{{ [1, 2] | length }}{% endif %}",
            ))
            .unwrap();
    }

    #[test]
    fn plain_text_is_not_html_escaped_and_the_subject_is_one_line() {
        let kind = TextKind::receipt();
        let rendered = render_wording(
            kind,
            &wording("Tak, {{ virksomhed }}\n", "{{ virksomhed }} & <co>"),
            &json!({ "virksomhed": "Smith & Søn <A/S>" }),
        )
        .unwrap();
        assert_eq!(rendered.subject, "Tak, Smith & Søn <A/S>");
        assert_eq!(rendered.body, "Smith & Søn <A/S> & <co>");
    }
}
