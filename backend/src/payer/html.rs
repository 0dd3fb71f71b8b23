//! The payer's pages, rendered on the server in Russian. Every value is escaped.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// Everything a page shows about the payment.
pub struct Summary<'a> {
    pub merchant: &'a str,
    pub amount: String,
    pub description: Option<&'a str>,
    pub card_mask: Option<&'a str>,
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,sans-serif;
background:#f4f6fb;color:#1b2233;font-size:16px}main{max-width:440px;margin:0 auto;padding:32px 16px}
.card{background:#fff;border:1px solid #e3e7ef;border-radius:14px;box-shadow:0 1px 3px rgba(16,24,40,.08);padding:28px}
.brand{font-weight:800;letter-spacing:.12em;color:#1f4fd8;font-size:13px;margin-bottom:16px}
h1{font-size:22px;margin:0 0 6px}.merchant{color:#6b7489;margin:0 0 18px}.amount{font-size:30px;font-weight:700;margin:0 0 4px}
.desc{color:#6b7489;margin:0 0 20px;font-size:14px}label{display:block;font-size:13px;color:#6b7489;margin:14px 0 6px}
input{width:100%;height:46px;border:1px solid #d6dbe6;border-radius:10px;padding:0 14px;font-size:17px;background:#fbfcfe}
input:focus{outline:none;border-color:#1f4fd8;box-shadow:0 0 0 3px #e8eefc}.row{display:flex;gap:12px}.row>div{flex:1}
button,.button{display:block;width:100%;height:48px;margin-top:22px;border:0;border-radius:10px;background:#1f4fd8;color:#fff;
font-size:16px;font-weight:600;cursor:pointer;text-align:center;line-height:48px;text-decoration:none}button:disabled{opacity:.6}
.error{background:#fbe7e9;color:#c62f3a;border-radius:10px;padding:10px 12px;margin:16px 0 0;font-size:14px}
.ok{background:#e3f5ea;color:#16864a;border-radius:10px;padding:10px 12px;margin:16px 0 0}
.field-error{color:#c62f3a;font-size:13px;min-height:0;margin-top:4px}.hint{color:#6b7489;font-size:13px;margin-top:18px;line-height:1.5}
.mask{font-family:ui-monospace,Menlo,Consolas,monospace;color:#1b2233}
"#;

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{} — ClickPay</title><style>{STYLE}</style></head>\
         <body><main><div class=\"card\"><div class=\"brand\">CLICKPAY</div>{body}</div></main></body></html>",
        text(title)
    )
}

fn header(title: &str, s: &Summary<'_>) -> String {
    let desc = s.description.map(|d| format!("<p class=\"desc\">{}</p>", text(d))).unwrap_or_default();
    format!(
        "<h1>{}</h1><p class=\"merchant\">{}</p><p class=\"amount\" data-testid=\"amount\">{}</p>{desc}",
        text(title),
        text(s.merchant),
        text(&s.amount)
    )
}

fn error_box(error: Option<&str>) -> String {
    error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", text(e))).unwrap_or_default()
}

/// The sandbox ACS: a one-time code.
pub fn challenge(action: &str, s: &Summary<'_>, error: Option<&str>) -> String {
    let card = s
        .card_mask
        .map(|m| format!("<p class=\"hint\">Карта <span class=\"mask\">{}</span></p>", text(m)))
        .unwrap_or_default();
    page(
        "Подтверждение платежа",
        &format!(
            "{}{card}<form method=\"post\" action=\"{}\" id=\"challenge\">\
             <label for=\"code\">Код подтверждения из SMS</label>\
             <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"12\" required autofocus>\
             {}<button type=\"submit\">Подтвердить</button></form>\
             <p class=\"hint\">Тестовая среда 3-D Secure: код <b>123456</b> подтверждает платёж, любой другой — отклоняет.</p>\
             <script src=\"/pay/assets/pay.js\" defer></script>",
            header("Подтверждение платежа", s),
            attr(action),
            error_box(error)
        ),
    )
}

/// The hosted payment page: the card form.
pub fn pay_form(action: &str, s: &Summary<'_>, error: Option<&str>) -> String {
    page(
        "Оплата картой",
        &format!(
            "{}<form method=\"post\" action=\"{}\" id=\"pay\" novalidate>\
             <label for=\"number\">Номер карты</label>\
             <input id=\"number\" name=\"number\" inputmode=\"numeric\" autocomplete=\"cc-number\" placeholder=\"0000 0000 0000 0000\" maxlength=\"23\" required>\
             <div class=\"field-error\" data-for=\"number\"></div>\
             <div class=\"row\"><div><label for=\"exp\">Срок действия</label>\
             <input id=\"exp\" name=\"exp\" inputmode=\"numeric\" autocomplete=\"cc-exp\" placeholder=\"ММ/ГГ\" maxlength=\"7\" required>\
             <div class=\"field-error\" data-for=\"exp\"></div></div>\
             <div><label for=\"cvc\">CVC</label>\
             <input id=\"cvc\" name=\"cvc\" type=\"password\" inputmode=\"numeric\" autocomplete=\"cc-csc\" placeholder=\"123\" maxlength=\"3\" required>\
             <div class=\"field-error\" data-for=\"cvc\"></div></div></div>\
             <label for=\"holder\">Имя владельца</label>\
             <input id=\"holder\" name=\"holder\" autocomplete=\"cc-name\" placeholder=\"IVAN IVANOV\" maxlength=\"100\">\
             {}<button type=\"submit\" id=\"submit\">Оплатить {}</button></form>\
             <p class=\"hint\">Данные карты передаются по защищённому соединению и не сохраняются у продавца.</p>\
             <script src=\"/pay/assets/pay.js\" defer></script>",
            header("Оплата картой", s),
            attr(action),
            error_box(error),
            text(&s.amount)
        ),
    )
}

/// A final page: the outcome, and the way back to the shop.
pub fn result(title: &str, message: &str, ok: bool, s: &Summary<'_>, back: Option<&str>) -> String {
    let class = if ok { "ok" } else { "error" };
    let back = back
        .map(|url| format!("<a class=\"button\" href=\"{}\" rel=\"noreferrer\">Вернуться в магазин</a>", attr(url)))
        .unwrap_or_default();
    page(title, &format!("{}<p class=\"{class}\" role=\"status\">{}</p>{back}", header(title, s), text(message)))
}

pub fn not_found() -> String {
    page(
        "Платёж не найден",
        "<h1>Платёж не найден</h1><p class=\"merchant\">Ссылка устарела или указана с ошибкой.</p>",
    )
}

/// What the payer is told about a failed payment.
pub fn decline_message(code: &str) -> &'static str {
    match code {
        "card_declined" => "Банк отклонил операцию по карте.",
        "insufficient_funds" => "Недостаточно средств на карте.",
        "expired_card" => "Срок действия карты истёк.",
        "authentication_failed" => "Платёж не подтверждён: неверный код 3-D Secure.",
        "authentication_timeout" => "Время на подтверждение платежа истекло.",
        "payment_expired" => "Время на оплату истекло.",
        _ => "Платёж не выполнен.",
    }
}
