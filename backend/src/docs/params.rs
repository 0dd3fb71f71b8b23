//! The parameters that many operations share, written once, in both languages.

use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Required, Schema};

use super::text::Tr;

pub const IDEMPOTENCY_KEY: Tr = Tr {
    en: "1–64 printable ASCII characters, unique per operation. The same request with the same key within 24 h returns the saved answer with `Idempotent-Replayed: true`",
    ru: "От 1 до 64 печатных символов ASCII, свой для каждой операции. Тот же запрос с тем же ключом в течение 24 часов вернёт сохранённый ответ с заголовком `Idempotent-Replayed: true`",
};
pub const LIMIT: Tr = Tr {
    en: "Objects per page: 1–100, default 20",
    ru: "Объектов на странице: от 1 до 100, по умолчанию 20",
};
pub const STARTING_AFTER: Tr = Tr {
    en: "The id of the last object of the previous page: answers the next page (older objects)",
    ru: "Идентификатор последнего объекта предыдущей страницы: вернётся следующая страница (более старые объекты)",
};
pub const ENDING_BEFORE: Tr = Tr {
    en: "The id of the first object of the current page: answers the page before it (newer objects), still newest first. Not together with `starting_after`",
    ru: "Идентификатор первого объекта текущей страницы: вернётся предыдущая страница (более новые объекты), по-прежнему от новых к старым. Не передаётся вместе с `starting_after`",
};
pub const CREATED_GTE: Tr = Tr {
    en: "Created at or after this time (RFC 3339 or Unix seconds)",
    ru: "Созданные в этот момент или позже (RFC 3339 или Unix-время в секундах)",
};
pub const CREATED_LT: Tr = Tr {
    en: "Created before this time (RFC 3339 or Unix seconds)",
    ru: "Созданные раньше этого момента (RFC 3339 или Unix-время в секундах)",
};
pub const STATUS: Tr =
    Tr { en: "Only operations in this status", ru: "Только операции в этом статусе" };
pub const ORDER_ID: Tr =
    Tr { en: "Only operations with this `order_id`", ru: "Только операции с этим `order_id`" };
pub const PAYMENT_ID: Tr = Tr { en: "The payment's id", ru: "Идентификатор платежа" };
pub const OBJECT_ID: Tr = Tr { en: "The object's id", ru: "Идентификатор объекта" };

/// Every description above, for the Russian document.
pub const TERMS: &[Tr] = &[
    IDEMPOTENCY_KEY,
    LIMIT,
    STARTING_AFTER,
    ENDING_BEFORE,
    CREATED_GTE,
    CREATED_LT,
    STATUS,
    ORDER_ID,
    PAYMENT_ID,
    OBJECT_ID,
];

fn param(name: &str, at: ParameterIn, required: Required, text: Tr, schema: impl Into<RefOr<Schema>>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(at)
        .required(required)
        .description(Some(text.en))
        .schema(Some(schema))
        .build()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// The `Idempotency-Key` header every `POST` and `DELETE` of the payment API requires.
pub struct IdempotencyKey;

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = string().min_length(Some(1)).max_length(Some(64));
        vec![param("Idempotency-Key", ParameterIn::Header, Required::True, IDEMPOTENCY_KEY, schema)]
    }
}

/// A list's page: `limit` and the cursors.
pub struct Page;

impl IntoParams for Page {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let limit = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(100))
            .default(Some(20.into()));
        vec![
            param("limit", ParameterIn::Query, Required::False, LIMIT, limit),
            param("starting_after", ParameterIn::Query, Required::False, STARTING_AFTER, string()),
            param("ending_before", ParameterIn::Query, Required::False, ENDING_BEFORE, string()),
        ]
    }
}

/// The filters of the lists of operations.
pub struct Filters;

impl IntoParams for Filters {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            param("created_gte", ParameterIn::Query, Required::False, CREATED_GTE, string()),
            param("created_lt", ParameterIn::Query, Required::False, CREATED_LT, string()),
            param("status", ParameterIn::Query, Required::False, STATUS, Ref::from_schema_name("OperationStatus")),
            param("order_id", ParameterIn::Query, Required::False, ORDER_ID, string()),
        ]
    }
}
