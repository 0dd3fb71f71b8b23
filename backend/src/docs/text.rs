//! The docs in two languages from one set of stubs.
//!
//! The `#[utoipa::path]` stubs give the document its shape (paths, parameters, bodies,
//! responses); the words come from the tables next to them: an [`Op`] per operation (its
//! summary and description in each language, and the example its curl command is written
//! from) and a [`Tr`] for every other description. [`localize`] writes one language into a
//! generated document. The English texts are the keys of the Russian ones, as msgids are in
//! gettext, and the tests in `docs::tests` prove that no operation, parameter or response of the
//! document lacks a text in either language.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::tag::Tag;
use utoipa::openapi::{OpenApi, RefOr};

/// A language of the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

/// One text in each language of the docs.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub en: &'static str,
    pub ru: &'static str,
}

impl Tr {
    pub const fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ru => self.ru,
        }
    }
}

/// The request an operation's curl example makes.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The path with its parameters filled in, and the query if any.
    pub path: &'static str,
    /// The `Idempotency-Key`, for an operation that takes one.
    pub key: Option<&'static str>,
    /// The JSON body, if the example sends one.
    pub body: Option<&'static str>,
}

/// What the document says of one operation, keyed by its `operation_id`.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub id: &'static str,
    pub summary: Tr,
    /// Markdown; the curl example is appended to it.
    pub description: Tr,
    pub example: Example,
}

/// A tag: the section of the document an operation is listed under.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The English name is the one the stubs use.
    pub name: Tr,
    pub description: Tr,
}

/// Everything [`localize`] writes into a document.
pub struct Catalog<'a> {
    pub title: Tr,
    pub intro: Tr,
    pub sections: &'a [Section],
    pub ops: &'a [&'a [Op]],
    /// Every parameter, request-body and response description, by its English text.
    pub terms: &'a [&'a [Tr]],
    pub api_key: Tr,
    pub session: Tr,
}

/// Where the curl examples send their requests.
pub const SERVER: &str = "https://clickpay.example";
/// The API key the examples carry: a sandbox key.
pub const SANDBOX_KEY: &str = "sk_test_…";

impl Catalog<'_> {
    pub fn op(&self, id: &str) -> Option<&Op> {
        self.ops.iter().flat_map(|ops| ops.iter()).find(|op| op.id == id)
    }

    /// The text of a description in `lang`, found by its English text.
    pub fn term(&self, en: &str, lang: Lang) -> Option<&'static str> {
        self.terms.iter().flat_map(|t| t.iter()).find(|t| t.en == en).map(|t| t.get(lang))
    }

    fn section(&self, en: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name.en == en)
    }
}

/// Every operation of a path, with its method in lower case.
pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

/// Which scheme an operation's security names, if any.
fn security(op: &Operation) -> Option<String> {
    let value = serde_json::to_value(op.security.as_ref()?).ok()?;
    value.as_array()?.iter().find_map(|req| req.as_object()?.keys().next().cloned())
}

/// The curl command of an operation's example: the method, the headers the operation requires
/// (read from the operation itself, so they cannot drift from it) and the body.
pub fn curl(method: &str, template: &str, op: &Operation, ex: &Example) -> String {
    let mut parts = vec![match method {
        "get" => format!("curl \"{SERVER}{}\"", ex.path),
        m => format!("curl -X {} \"{SERVER}{}\"", m.to_uppercase(), ex.path),
    }];
    match security(op).as_deref() {
        Some("api_key") => parts.push(format!("-H \"Authorization: Bearer {SANDBOX_KEY}\"")),
        Some(_) => parts.push("-H \"Authorization: Bearer $CABINET_TOKEN\"".to_owned()),
        None => {}
    }
    let takes_key = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.name == "Idempotency-Key" && matches!(p.parameter_in, ParameterIn::Header));
    if let (true, Some(key)) = (takes_key, ex.key) {
        parts.push(format!("-H \"Idempotency-Key: {key}\""));
    }
    if let Some(body) = ex.body {
        parts.push("-H \"Content-Type: application/json\"".to_owned());
        parts.push(format!("-d '{body}'"));
    }
    if let Some(file) = template.rsplit('/').next().filter(|last| last.ends_with(".xlsx")) {
        parts.push(format!("-o {file}"));
    }
    parts.join(" \\\n  ")
}

/// An operation's description in `lang`, with its curl example.
pub fn description(op: &Op, lang: Lang, curl: &str) -> String {
    let heading = match lang {
        Lang::En => "Example",
        Lang::Ru => "Пример",
    };
    format!("{}\n\n**{heading}**\n\n```bash\n{curl}\n```", op.description.get(lang).trim_end())
}

/// Writes `lang` into a generated document: the title and introduction, the sections, every
/// operation's summary and description with its curl example, and (for a language other than
/// the stubs' English) every parameter, request-body and response description.
pub fn localize(doc: &mut OpenApi, lang: Lang, catalog: &Catalog) {
    doc.info.title = catalog.title.get(lang).to_owned();
    doc.info.description = Some(catalog.intro.get(lang).to_owned());
    doc.tags = Some(
        catalog
            .sections
            .iter()
            .map(|s| {
                let mut tag = Tag::new(s.name.get(lang));
                tag.description = Some(s.description.get(lang).to_owned());
                tag
            })
            .collect(),
    );
    let translate = |text: &mut String| {
        if let Some(t) = catalog.term(text, lang) {
            *text = t.to_owned();
        }
    };
    for (template, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations_mut(item) {
            if let Some(text) = op.operation_id.as_deref().and_then(|id| catalog.op(id)) {
                let curl = curl(method, template, op, &text.example);
                op.summary = Some(text.summary.get(lang).to_owned());
                op.description = Some(description(text, lang, &curl));
            }
            for tag in op.tags.iter_mut().flatten() {
                if let Some(section) = catalog.section(tag) {
                    *tag = section.name.get(lang).to_owned();
                }
            }
            for param in op.parameters.iter_mut().flatten() {
                param.description.iter_mut().for_each(translate);
            }
            if let Some(body) = op.request_body.as_mut() {
                body.description.iter_mut().for_each(translate);
            }
            for response in op.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    translate(&mut response.description);
                }
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    let mut api_key = Http::new(HttpAuthScheme::Bearer);
    api_key.description = Some(catalog.api_key.get(lang).to_owned());
    components.add_security_scheme("api_key", SecurityScheme::Http(api_key));
    let mut session = Http::new(HttpAuthScheme::Bearer);
    session.bearer_format = Some("JWT".to_owned());
    session.description = Some(catalog.session.get(lang).to_owned());
    components.add_security_scheme("cabinet_session", SecurityScheme::Http(session));
}
