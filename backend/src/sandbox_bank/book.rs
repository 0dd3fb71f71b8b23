//! The bank's bookings: each (reference, type) is booked once, in its own transaction, and its
//! final outcome goes to the register before the bank answers. A repeat answers what was booked.
//! Each booking keeps the label of the caller that made it (the merchant account a real
//! acquirer would file it under), so a caller's register lists its own bookings only.

use shared::Amount;
use sqlx::{FromRow, PgPool, Postgres, Transaction};

use super::cards::{self, Decision};
use super::faults::RegisterFault;
use super::wire::{Answer, AnswerStatus, AuthorizeIn, CaptureIn, EntryType, RefundIn, ReleaseIn, VoidIn};

#[derive(Debug, Clone, FromRow)]
pub struct Booking {
    pub reference: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub state: String,
    pub amount: Amount,
    pub currency: String,
    pub card_hash: Option<String>,
    pub original_reference: Option<String>,
    pub bank_transaction_id: String,
    pub decline_code: Option<String>,
    pub decline_message: Option<String>,
    pub requests: i32,
}

impl Booking {
    fn kind(&self) -> EntryType {
        EntryType::parse(&self.kind).unwrap_or(EntryType::Debit)
    }

    /// What the bank says about this booking now.
    pub fn answer(&self) -> Answer {
        let status = match self.state.as_str() {
            "approved" => AnswerStatus::Approved,
            "declined" => AnswerStatus::Declined,
            _ => AnswerStatus::ChallengeRequired,
        };
        Answer {
            reference: self.reference.clone(),
            kind: self.kind(),
            status,
            amount: Some(self.amount),
            bank_transaction_id: (status == AnswerStatus::Approved).then(|| self.bank_transaction_id.clone()),
            decline_code: self.decline_code.clone(),
            decline_message: self.decline_message.clone(),
            requests: self.requests,
        }
    }
}

pub fn unknown(reference: &str, kind: EntryType) -> Answer {
    Answer {
        reference: reference.to_owned(),
        kind,
        status: AnswerStatus::Unknown,
        amount: None,
        bank_transaction_id: None,
        decline_code: None,
        decline_message: None,
        requests: 0,
    }
}

const COLUMNS: &str = "reference, type, state, amount, currency, card_hash, original_reference, bank_transaction_id,
    decline_code, decline_message, requests";

/// Who asks (its label) and how the register is to show what it books (a fault setting).
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub label: Option<String>,
    pub register: RegisterFault,
}

/// A booking about to be written.
struct New<'a> {
    reference: &'a str,
    kind: EntryType,
    outcome: Result<bool, (&'a str, &'a str)>,
    amount: Amount,
    currency: &'a str,
    card_hash: Option<&'a str>,
    original_reference: Option<&'a str>,
    recurring: bool,
    answered_late: bool,
    caller: &'a Caller,
}

type Tx = Transaction<'static, Postgres>;

pub async fn get(db: &PgPool, reference: &str, kind: EntryType) -> sqlx::Result<Option<Booking>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM bookings WHERE reference = $1 AND type = $2"))
        .bind(reference)
        .bind(kind.as_str())
        .fetch_optional(db)
        .await
}

/// A repeated request: counts it and returns the booking, if there is one.
async fn repeat(tx: &mut Tx, reference: &str, kind: EntryType) -> sqlx::Result<Option<Booking>> {
    sqlx::query_as(&format!(
        "UPDATE bookings SET requests = requests + 1 WHERE reference = $1 AND type = $2 RETURNING {COLUMNS}"
    ))
    .bind(reference)
    .bind(kind.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// Writes a booking (and its register line when final); `None` when a concurrent request for the
/// same (reference, type) won.
async fn insert(tx: &mut Tx, new: New<'_>) -> sqlx::Result<Option<Booking>> {
    let (state, code, message) = match new.outcome {
        Ok(true) => ("approved", None, None),
        Ok(false) => ("challenge", None, None),
        Err((code, message)) => ("declined", Some(code), Some(message)),
    };
    let booking: Option<Booking> = sqlx::query_as(&format!(
        "INSERT INTO bookings (reference, type, state, amount, currency, card_hash, original_reference, recurring,
                bank_transaction_id, decline_code, decline_message, answered_late, label, finalized_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $3 = 'challenge' THEN NULL ELSE now() END)
         ON CONFLICT (reference, type) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(new.reference)
    .bind(new.kind.as_str())
    .bind(state)
    .bind(new.amount)
    .bind(new.currency)
    .bind(new.card_hash)
    .bind(new.original_reference)
    .bind(new.recurring)
    .bind(cards::bank_transaction_id(new.reference, new.kind))
    .bind(code)
    .bind(message)
    .bind(new.answered_late)
    .bind(new.caller.label.as_deref())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(b) = &booking
        && b.state != "challenge"
    {
        register(tx, b, new.caller.register).await?;
    }
    Ok(booking)
}

/// Appends the final outcome to the register (its order: `register::ledger`), under the booking's label; a
/// register fault changes its amount (never below zero) or leaves it out of `GET /ledger`.
async fn register(tx: &mut Tx, b: &Booking, fault: RegisterFault) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ledger (reference, type, amount, currency, status, bank_transaction_id, created_at, label, omitted)
         SELECT reference, type, greatest(amount + $3, 0), currency, state, bank_transaction_id, clock_timestamp(), label, $4
           FROM bookings WHERE reference = $1 AND type = $2",
    )
    .bind(&b.reference)
    .bind(&b.kind)
    .bind(fault.amount_delta.unwrap_or_default())
    .bind(fault.omit)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Books `new` unless (reference, type) is booked already; answers the booking either way.
async fn book_once(mut tx: Tx, new: New<'_>) -> sqlx::Result<Booking> {
    let (reference, kind) = (new.reference, new.kind);
    let booking = match insert(&mut tx, new).await? {
        Some(b) => b,
        // A concurrent request booked it first (the insert waited for it to commit).
        None => repeat(&mut tx, reference, kind).await?.ok_or(sqlx::Error::RowNotFound)?,
    };
    tx.commit().await?;
    Ok(booking)
}

/// Debit, hold or credit a card, as its test card decides.
pub async fn authorize(db: &PgPool, req: &AuthorizeIn, caller: Caller) -> sqlx::Result<Answer> {
    let mut tx = db.begin().await?;
    if let Some(b) = repeat(&mut tx, &req.reference, req.kind).await? {
        tx.commit().await?;
        return Ok(b.answer());
    }
    let pan: String = req.card.number.chars().filter(|c| !c.is_whitespace()).collect();
    let decision = cards::decide(&pan, req.kind, req.recurring);
    let hash = cards::card_hash(&pan);
    let outcome = match decision {
        Decision::Approve | Decision::ApproveLate => Ok(true),
        Decision::Challenge => Ok(false),
        Decision::Decline(code, message) => Err((code, message)),
    };
    let booking = book_once(
        tx,
        New {
            reference: &req.reference,
            kind: req.kind,
            outcome,
            amount: req.amount,
            currency: &req.currency,
            card_hash: Some(&hash),
            original_reference: None,
            recurring: req.recurring,
            answered_late: decision == Decision::ApproveLate,
            caller: &caller,
        },
    )
    .await?;
    let mut answer = booking.answer();
    if decision == Decision::ApproveLate && booking.requests == 1 {
        // Booked, but this first answer is the one that "did not arrive in time".
        answer.status = AnswerStatus::Pending;
        answer.bank_transaction_id = None;
    }
    Ok(answer)
}

/// The payer's 3-D Secure result for a booking that waits for it.
pub async fn complete_challenge(
    db: &PgPool,
    reference: &str,
    kind: EntryType,
    passed: bool,
    caller: Caller,
) -> sqlx::Result<Answer> {
    let mut tx = db.begin().await?;
    let (state, code, message) = if passed {
        ("approved", None, None)
    } else {
        ("declined", Some("authentication_failed"), Some("3-D Secure authentication failed."))
    };
    let done: Option<Booking> = sqlx::query_as(&format!(
        "UPDATE bookings SET state = $3, decline_code = $4, decline_message = $5, finalized_at = now()
          WHERE reference = $1 AND type = $2 AND state = 'challenge' RETURNING {COLUMNS}"
    ))
    .bind(reference)
    .bind(kind.as_str())
    .bind(state)
    .bind(code)
    .bind(message)
    .fetch_optional(&mut *tx)
    .await?;
    let answer = match done {
        Some(b) => {
            register(&mut tx, &b, caller.register).await?;
            b.answer()
        }
        None => {
            sqlx::query_as::<_, Booking>(&format!("SELECT {COLUMNS} FROM bookings WHERE reference = $1 AND type = $2"))
                .bind(reference)
                .bind(kind.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map_or_else(|| unknown(reference, kind), |b| b.answer())
        }
    };
    tx.commit().await?;
    Ok(answer)
}

/// The approved booking of `kinds` under `reference`, locked, so captures, releases and refunds
/// of one charge are decided one at a time.
async fn lock_charge(tx: &mut Tx, reference: &str, kinds: &[&str]) -> sqlx::Result<Option<Booking>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE reference = $1 AND type = ANY($2) AND state = 'approved'
          ORDER BY type LIMIT 1 FOR UPDATE"
    ))
    .bind(reference)
    .bind(kinds)
    .fetch_optional(&mut **tx)
    .await
}

async fn approved_exists(tx: &mut Tx, reference: &str, kind: EntryType) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE reference = $1 AND type = $2 AND state = 'approved')",
    )
    .bind(reference)
    .bind(kind.as_str())
    .fetch_one(&mut **tx)
    .await
}

/// Takes `amount` of a hold; the rest of it is released with the capture.
pub async fn capture(db: &PgPool, req: &CaptureIn, caller: Caller) -> sqlx::Result<Answer> {
    end_hold(db, &req.reference, EntryType::Capture, Some(req.amount), caller).await
}

/// Releases a whole hold that was not captured.
pub async fn release(db: &PgPool, req: &ReleaseIn, caller: Caller) -> sqlx::Result<Answer> {
    end_hold(db, &req.reference, EntryType::Release, None, caller).await
}

/// Ends the hold under `reference` once: a capture of `amount` (at most the hold), or a release
/// of all of it. The hold's row lock decides a capture racing a release.
async fn end_hold(
    db: &PgPool,
    reference: &str,
    kind: EntryType,
    amount: Option<Amount>,
    caller: Caller,
) -> sqlx::Result<Answer> {
    let mut tx = db.begin().await?;
    if let Some(b) = repeat(&mut tx, reference, kind).await? {
        tx.commit().await?;
        return Ok(b.answer());
    }
    let hold = lock_charge(&mut tx, reference, &["hold"]).await?;
    let (other, ended) = match kind {
        EntryType::Capture => (EntryType::Release, ("authorization_released", "The hold was released.")),
        _ => (EntryType::Capture, ("authorization_captured", "The hold was captured.")),
    };
    let outcome = match &hold {
        None => Err(("authorization_not_found", "No approved hold under this reference.")),
        Some(_) if approved_exists(&mut tx, reference, other).await? => Err(ended),
        Some(h) if amount.is_some_and(|a| a > h.amount) => {
            Err(("amount_exceeds_authorization", "The capture exceeds the hold."))
        }
        Some(_) => Ok(true),
    };
    let (held, currency) = hold.as_ref().map_or((Amount::ZERO, "RUB".to_owned()), |h| (h.amount, h.currency.clone()));
    let booking = book_once(
        tx,
        New {
            reference,
            kind,
            outcome,
            amount: amount.unwrap_or(held),
            currency: &currency,
            card_hash: hold.as_ref().and_then(|h| h.card_hash.as_deref()),
            original_reference: Some(reference),
            recurring: false,
            answered_late: false,
            caller: &caller,
        },
    )
    .await?;
    Ok(booking.answer())
}

/// Returns part or all of a charge (a debit, or the capture of a hold).
pub async fn refund(db: &PgPool, req: &RefundIn, caller: Caller) -> sqlx::Result<Answer> {
    let mut tx = db.begin().await?;
    if let Some(b) = repeat(&mut tx, &req.reference, EntryType::Refund).await? {
        tx.commit().await?;
        return Ok(b.answer());
    }
    let charge = lock_charge(&mut tx, &req.original_reference, &["capture", "debit"]).await?;
    let refunded: Amount = sqlx::query_scalar(
        "SELECT coalesce(sum(amount), 0)::numeric(18,2) FROM bookings
          WHERE original_reference = $1 AND type = 'refund' AND state = 'approved'",
    )
    .bind(&req.original_reference)
    .fetch_one(&mut *tx)
    .await?;
    let outcome = match &charge {
        None => Err(("original_not_found", "No approved charge under the original reference.")),
        Some(c) if cards::refunds_fail(c.card_hash.as_deref()) => {
            Err(("refund_failed", "The bank refused the refund."))
        }
        Some(c) if refunded.checked_add(req.amount).is_none_or(|sum| sum > c.amount) => {
            Err(("refund_exceeds_charge", "The refunds would exceed the charge."))
        }
        Some(_) => Ok(true),
    };
    let booking = book_once(
        tx,
        New {
            reference: &req.reference,
            kind: EntryType::Refund,
            outcome,
            amount: req.amount,
            currency: &req.currency,
            card_hash: charge.as_ref().and_then(|c| c.card_hash.as_deref()),
            original_reference: Some(&req.original_reference),
            recurring: false,
            answered_late: false,
            caller: &caller,
        },
    )
    .await?;
    Ok(booking.answer())
}

/// Books a decline under (reference, type) unless something is booked there: a challenge still
/// open is declined; a final outcome is answered as it stands.
pub async fn void(db: &PgPool, req: &VoidIn, caller: Caller) -> sqlx::Result<Answer> {
    let mut tx = db.begin().await?;
    let voided: Option<Booking> = sqlx::query_as(&format!(
        "UPDATE bookings SET state = 'declined', decline_code = 'voided',
                decline_message = 'Voided by the acquirer''s request.', finalized_at = now()
          WHERE reference = $1 AND type = $2 AND state = 'challenge' RETURNING {COLUMNS}"
    ))
    .bind(&req.reference)
    .bind(req.kind.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(b) = voided {
        register(&mut tx, &b, caller.register).await?;
        tx.commit().await?;
        return Ok(b.answer());
    }
    let booked: Option<Booking> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM bookings WHERE reference = $1 AND type = $2"))
            .bind(&req.reference)
            .bind(req.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(b) = booked {
        tx.commit().await?;
        return Ok(b.answer());
    }
    let booking = book_once(
        tx,
        New {
            reference: &req.reference,
            kind: req.kind,
            outcome: Err(("voided", "Voided by the acquirer's request.")),
            amount: Amount::ZERO,
            currency: "RUB",
            card_hash: None,
            original_reference: None,
            recurring: false,
            answered_late: false,
            caller: &caller,
        },
    )
    .await?;
    Ok(booking.answer())
}

/// What is booked under (reference, type), or `unknown`.
pub async fn status(db: &PgPool, reference: &str, kind: EntryType) -> sqlx::Result<Answer> {
    Ok(get(db, reference, kind).await?.map_or_else(|| unknown(reference, kind), |b| b.answer()))
}

/// The card a request touches, for fault rules: its own, or that of the charge it refers to.
pub async fn card_of(db: &PgPool, reference: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT card_hash FROM bookings WHERE reference = $1 AND type IN ('debit', 'hold', 'credit') LIMIT 1",
    )
    .bind(reference)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
