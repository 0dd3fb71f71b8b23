//! Every Russian string of the cabinet, in one place.

pub const BRAND: &str = "CLICKPAY";

pub mod login {
    pub const TITLE: &str = "Вход";
    pub const TAB_LOGIN: &str = "По логину";
    pub const TAB_PHONE: &str = "По телефону";
    pub const TAB_EMAIL: &str = "По Email";
    pub const LABEL_LOGIN: &str = "Логин";
    pub const LABEL_PHONE: &str = "Телефон";
    pub const LABEL_EMAIL: &str = "Email";
    pub const PLACEHOLDER_PHONE: &str = "+7 999 000-00-01";
    pub const PLACEHOLDER_EMAIL: &str = "name@company.ru";
    pub const PASSWORD: &str = "Пароль";
    pub const SHOW_PASSWORD: &str = "Показать пароль";
    pub const HIDE_PASSWORD: &str = "Скрыть пароль";
    pub const SUBMIT: &str = "Войти";
    pub const SUBMITTING: &str = "Входим…";
    pub const HINT: &str = "Используйте ваши учетные данные для авторизации в системе. Если вы забыли учетные данные — \
                            обратитесь к персональному менеджеру для восстановления доступа.";
    /// One message for an unknown user, a wrong password and a locked account (security.md).
    pub const BAD_CREDENTIALS: &str = "Неверный логин или пароль, либо вход временно заблокирован. \
                                       Попробуйте позже или обратитесь к менеджеру.";
    pub const RATE_LIMITED: &str = "Слишком много попыток входа. Подождите минуту и попробуйте снова.";
    pub const EMPTY: &str = "Заполните оба поля.";
    pub const EXPIRED: &str = "Сессия истекла — войдите снова";
    pub const SECOND_STEP: &str = "Введите код из приложения-аутентификатора или резервный код.";
    pub const CODE: &str = "Код подтверждения";
    pub const CODE_SUBMIT: &str = "Подтвердить";
    pub const BAD_CODE: &str =
        "Неверный код, либо вход временно заблокирован. Попробуйте ещё раз или обратитесь к менеджеру.";
    pub const CHALLENGE_EXPIRED: &str = "Время на ввод кода истекло. Войдите заново.";
    pub const BACK_TO_PASSWORD: &str = "Войти заново";
}

pub mod password {
    pub const TITLE: &str = "Смена пароля";
    pub const FORCED: &str = "Пароль был сброшен менеджером. Придумайте новый пароль, чтобы продолжить.";
    pub const CURRENT: &str = "Текущий пароль";
    pub const NEW: &str = "Новый пароль";
    pub const REPEAT: &str = "Повторите новый пароль";
    pub const RULES: &str = "Не короче 12 символов, с буквой и цифрой.";
    pub const MISMATCH: &str = "Пароли не совпадают.";
    pub const SUBMIT: &str = "Сменить пароль";
    pub const WRONG_CURRENT: &str = "Текущий пароль указан неверно.";
}

pub mod menu {
    pub const TRANSACTIONS: &str = "Транзакции";
    pub const ORGANIZATIONS: &str = "Организации";
    pub const REPORTS: &str = "Отчетность";
    pub const LOGOUT: &str = "Выход";
    pub const ADMIN_BADGE: &str = "Администратор";
    pub const DOCS: &str = "Документация API";
    pub const SETTLEMENTS: &str = "Взаиморасчёты";
    pub const COLLAPSE: &str = "Свернуть меню";
    pub const EXPAND: &str = "Развернуть меню";
}

pub mod integration {
    pub const TITLE: &str = "Интеграция";
    pub const NOTIFICATIONS: &str = "Уведомления (вебхуки)";
    pub const URL: &str = "URL для нотификаций";
    pub const NOT_SET: &str = "не задан";
    pub const SECRET: &str = "Секрет подписи";
    pub const REVEAL: &str = "Показать";
    pub const HIDE: &str = "Скрыть";
    pub const VERIFY_HINT: &str = "Уведомления подписаны по спецификации Standard Webhooks: проверяйте заголовок webhook-signature этим секретом (пример — в документации API).";
    pub const SEND_TEST: &str = "Отправить тестовое уведомление";
    pub const SENDING: &str = "Отправляем…";
    pub const SENT: &str = "Тестовое уведомление поставлено в очередь:";
    pub const NO_URL: &str = "Чтобы получать уведомления, попросите менеджера указать URL для нотификаций.";
    pub const DOCS: &str = "Документация API";
    pub const LOG: &str = "Журнал доставки";
    pub const REFRESH: &str = "Обновить";
    pub const NO_EVENTS: &str = "Событий пока нет.";
    pub const EVENT: &str = "Событие";
    pub const CREATED: &str = "Создано";
    pub const STATE: &str = "Состояние";
    pub const LAST_ATTEMPT: &str = "Последняя попытка";
    pub const KEYS: &str = "Ключи API";
    pub const NO_KEYS: &str = "Ключей нет.";
    pub const KEYS_HINT: &str =
        "Ключ показывается один раз при выпуске. Выпустить новый или отозвать ключ может менеджер ClickPay.";
    pub const PREFIX: &str = "Префикс";
    pub const KEY_NAME: &str = "Название";
    pub const LAST_USED: &str = "Последнее использование";
    pub const NEVER: &str = "не использовался";
    pub const ACTIVE: &str = "Активен";
    pub const REVOKED: &str = "Отозван";
}

pub mod common {
    pub const LOADING: &str = "Загрузка…";
    pub const NETWORK: &str = "Не удалось связаться с сервером. Проверьте соединение и попробуйте снова.";
    pub const SERVER: &str = "Сервис временно недоступен. Попробуйте позже.";
    pub const NOT_FOUND: &str = "Страница не найдена";
    pub const NOT_FOUND_HINT: &str = "Такой страницы нет или у вас нет к ней доступа.";
    pub const TO_START: &str = "На главную";
    pub const BACK: &str = "Назад";
    pub const RETRY: &str = "Повторить";
    pub const CANCEL: &str = "Отмена";
    pub const REFUSED: &str = "Сервер отклонил запрос. Проверьте введённые данные.";
}

pub mod transactions {
    use shared::{OperationStatus, OperationType};

    pub const TITLE: &str = "Список транзакций";
    pub const TITLE_HINT: &str =
        "Платежи, выплаты и возвраты ваших организаций за выбранный период; поиск — по всем датам.";
    pub const EMPTY: &str = "Транзакций по выбранным условиям нет.";
    pub const FROM: &str = "С";
    pub const TO: &str = "По";
    pub const DATE_CREATED: &str = "Дата создания";
    pub const DATE_EXECUTED: &str = "Дата исполнения";
    pub const STATUS: &str = "Статус";
    pub const TYPE: &str = "Тип";
    pub const ANY_STATUS: &str = "Все статусы";
    pub const ANY_TYPE: &str = "Все типы";
    pub const ORGANIZATION: &str = "Организация";
    pub const ANY_ORGANIZATION: &str = "Все организации";
    pub const SEARCH: &str = "Заказ, ID операции, 4 цифры карты, email, телефон или ID банка";
    pub const ALL_DATES: &str = "Поиск по всем датам. Чтобы сузить, укажите период.";
    pub const EXPORT_LIST: &str = "Выгрузить в Excel";
    pub const EXPORTING_ROWS: &str = "Выгружаем строки:";
    pub const EXPORT_READY: &str = "Файл готов";
    pub const EXPORT_FAILED: &str = "Выгрузка не удалась — попробуйте ещё раз.";
    pub const DOWNLOAD: &str = "Скачать";
    pub const FIND: &str = "Найти";
    pub const RESET: &str = "Сбросить";
    pub const COL_CREATED: &str = "Дата создания";
    pub const COL_TYPE: &str = "Тип платежа";
    pub const COL_AMOUNT: &str = "Сумма платежа";
    pub const COL_ORGANIZATION: &str = "Организация";
    pub const COL_STATUS: &str = "Статус";
    pub const TOTAL: &str = "Всего";
    pub const PAGES: &str = "Страницы";
    pub const PREV: &str = "Предыдущая страница";
    pub const NEXT: &str = "Следующая страница";

    pub fn status(s: OperationStatus) -> &'static str {
        shared::format::status_ru(s)
    }

    pub fn kind(t: OperationType) -> &'static str {
        shared::format::type_ru(t)
    }

    /// Why an operation failed, for people.
    pub fn error(code: &str) -> &'static str {
        match code {
            "card_declined" => "Банк отклонил операцию по карте",
            "insufficient_funds" => "Недостаточно средств на карте",
            "expired_card" => "Срок действия карты истёк",
            "authentication_failed" => "Не пройдена проверка 3-D Secure",
            "authentication_timeout" => "Плательщик не завершил 3-D Secure вовремя",
            "payment_expired" => "Плательщик не оплатил вовремя",
            "refund_failed" => "Банк отклонил возврат",
            _ => "Операция не выполнена",
        }
    }
}

pub mod transaction {
    pub const TITLE: &str = "Транзакция";
    pub const DATA: &str = "Данные транзакции";
    pub const CLIENT: &str = "Данные клиента";
    pub const CREATED: &str = "Дата создания";
    pub const TYPE: &str = "Тип платежа";
    pub const AMOUNT: &str = "Сумма";
    pub const FEE: &str = "Комиссия";
    pub const REFUNDED: &str = "Возвращено";
    pub const ORGANIZATION: &str = "Организация";
    pub const BANK: &str = "Банк";
    pub const BANK_ID: &str = "ID банка";
    pub const STATUS: &str = "Статус";
    pub const EXECUTED: &str = "Дата исполнения";
    pub const ORDER: &str = "Номер заказа";
    pub const DESCRIPTION: &str = "Описание";
    pub const REASON: &str = "Причина возврата";
    pub const ERROR: &str = "Причина ошибки";
    pub const RECURRING: &str = "Рекуррентный платёж";
    pub const HOLDER: &str = "ФИО";
    pub const CARD: &str = "Номер карты списания";
    pub const CARD_CREDIT: &str = "Номер карты зачисления";
    pub const TIMELINE: &str = "История статусов";
    pub const REFUNDS: &str = "Возвраты";
    pub const PARENT: &str = "Исходный платёж";
    pub const NOTIFICATIONS: &str = "Уведомления";
    pub const NO_NOTIFICATIONS: &str = "Уведомлений по этой операции нет.";
    pub const RESEND: &str = "Отправить повторно";
    pub const RESENDING: &str = "Отправляем…";
    pub const DELIVERED: &str = "Доставлено";
    pub const PENDING: &str = "Ожидает доставки";
    pub const FAILED: &str = "Не доставлено";
    pub const ATTEMPTS: &str = "Попыток";
    pub const NEXT_ATTEMPT: &str = "Следующая попытка";
    pub const MANUAL: &str = "вручную";
    pub const NO_ANSWER: &str = "нет ответа";
    pub const DASH: &str = "—";
    pub const CAPTURED: &str = "Списано";
    pub const HOLD: &str = "Двухстадийный платёж";
    pub const HOLD_NOTE: &str = "Сумма заблокирована на карте. Спишите её целиком или частично (один раз) — остаток блокировки будет снят, — или отмените платёж.";
    pub const HOLD_EXPIRES: &str = "Блокировка снимется автоматически";
    pub const CAPTURE_AMOUNT: &str = "Сумма списания, ₽";
    pub const CAPTURE: &str = "Списать";
    pub const CAPTURING: &str = "Списываем…";
    pub const CANCEL: &str = "Отменить";
    pub const CANCELING: &str = "Отменяем…";
    pub const CANCEL_CONFIRM: &str = "Отменить платёж и снять блокировку суммы на карте?";
    pub const BAD_AMOUNT: &str = "Укажите сумму больше нуля, например 1500,00.";
    pub const REFUND_TITLE: &str = "Возврат";
    pub const REFUND: &str = "Вернуть";
    pub const REFUNDING: &str = "Возвращаем…";
    pub const REFUNDABLE: &str = "Доступно к возврату";
    pub const REFUND_AMOUNT: &str = "Сумма возврата, ₽";
    pub const REFUND_REASON: &str = "Причина";
    pub const REFUND_CONFIRM: &str = "Вернуть плательщику";
    pub const CLOSE: &str = "Закрыть";

    /// Why a refund was refused, for people.
    pub fn refund_error(code: Option<shared::ErrorCode>) -> Option<&'static str> {
        use shared::ErrorCode::*;
        match code? {
            RefundExceedsPayment => Some("Сумма больше доступной к возврату."),
            Conflict => Some("По платежу уже сделан возврат — обновите страницу и проверьте сумму."),
            InvalidState => Some("Этот платёж нельзя вернуть."),
            Forbidden => Some("У вас нет права «Возвраты». Обратитесь к менеджеру."),
            OrganizationBlocked => Some("Организация заблокирована: возвраты недоступны."),
            VelocityLimitExceeded => Some("Превышен дневной лимит возвратов организации."),
            _ => None,
        }
    }

    /// Why a capture or a cancel was refused, for people.
    pub fn hold_error(code: Option<shared::ErrorCode>) -> Option<&'static str> {
        use shared::ErrorCode::*;
        match code? {
            CaptureExceedsAuthorization => Some("Сумма списания больше заблокированной суммы."),
            InvalidState => Some("Платёж уже не ожидает списания — обновите страницу."),
            InvalidRequest => Some("Проверьте сумму списания."),
            _ => None,
        }
    }
}

pub mod organizations {
    pub const TITLE: &str = "Список организаций";
    pub const ACTIVE_ONLY: &str = "Активна";
    pub const NAME: &str = "Название организации";
    pub const EMPTY: &str = "За вашей учетной записью не закреплено ни одной организации.";
    pub const DETAILS: &str = "Данные организации";
    pub const STATUS: &str = "Статус";
    pub const INN: &str = "ИНН";
    pub const REGISTERED: &str = "Дата регистрации";
    pub const NOTIFICATION_URL: &str = "URL для нотификаций";
    pub const NOT_SET: &str = "не задан";
    pub const WEBHOOK_SECRET: &str = "Секрет подписи нотификаций";
    pub const INTEGRATION: &str = "Интеграция";
    pub const BANK_FEE_HINT: &str = "Часть комиссии, которую удерживает банк-эквайер; остальное — комиссия сервиса.";
    pub const REVEAL: &str = "Показать";
    pub const HIDE: &str = "Скрыть";
    pub const TERMINAL: &str = "Терминал";
    pub const SERVICE_FEE: &str = "Комиссия сервиса";
    pub const BANK_FEE: &str = "Комиссия банка";
    pub const TOTAL_FEE: &str = "Общая";
    pub const DISABLED: &str = "отключён";
    pub const STATUS_ACTIVE: &str = "Активен";
    pub const STATUS_BLOCKED: &str = "Заблокирован";
    pub const TERMINAL_AFT: &str = "AFT (списание)";
    pub const TERMINAL_OCT: &str = "OCT (перевод)";
    pub const TERMINAL_ECOM: &str = "eCom (списание)";
}

pub mod reports {
    pub const TITLE: &str = "График транзакций";
    pub const MONTH: &str = "Месяц";
    pub const YEAR: &str = "Год";
    pub const AVERAGE: &str = "Средний чек";
    pub const FEES: &str = "Комиссия";
    pub const VOLUME: &str = "Объемы";
    pub const COUNT: &str = "Исполнено операций";
    pub const COUNT_NOTE: &str = "платежи и выплаты, без возвратов";
    pub const TOTAL: &str = "Всего платежей и выплат";
    pub const SUCCESS: &str = "Успешных";
    pub const BY_STATUS: &str = "Платежи и выплаты по статусам";
    pub const TABLE: &str = "Данные графика таблицей";
    pub const PREV_YEAR: &str = "Предыдущий год";
    pub const NEXT_YEAR: &str = "Следующий год";
    pub const CHOOSE: &str = "Выбрать";
    pub const CLOSE: &str = "Закрыть";
    pub const DOWNLOAD_XLSX: &str = "Скачать xlsx";
    pub const TOO_LARGE: &str = "В отчёт попадает больше 100 000 операций: такой файл готовится в фоне.";
    pub const PERIOD: &str = "Период";
    pub const BY_TYPE: &str = "По терминалам";
    pub const REFUNDS: &str = "Возвраты";
    pub const EXPORT: &str = "Сформировать отчет";
    pub const EXPORTING: &str = "Формируем отчет…";
    pub const SERIES_VOLUME: &str = "Объем, ₽";
    pub const SERIES_COUNT: &str = "Количество";
    pub const METRIC: &str = "Что показывает график";
    pub const NO_DATA: &str = "Нет данных за выбранный период.";
    pub const VOLUME_NOTE: &str = "Объем — сумма исполненных платежей и выплат (без вычета возвратов).";
    pub const MONTHS: [&str; 12] = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"];
    pub const MONTHS_FULL: [&str; 12] = [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ];
}

pub mod admin {
    pub const SECTION: &str = "Администрирование";
    pub const ORGANIZATIONS: &str = "Организации (все)";
    pub const ORGANIZATION: &str = "Организация";
    pub const USERS: &str = "Пользователи";
    pub const AUDIT: &str = "Журнал аудита";
    pub const CREATE_ORGANIZATION: &str = "Создать организацию";
    pub const NEW_ORGANIZATION: &str = "Новая организация";
    pub const NO_ORGANIZATIONS: &str = "Организаций пока нет.";
    pub const BANK: &str = "Банк-эквайер";
    pub const MIN_FEE: &str = "Мин. комиссия, ₽";
    pub const CREATE: &str = "Создать";
    pub const SAVE: &str = "Сохранить";
    pub const SAVED: &str = "Сохранено.";
    pub const BAD_TARIFF: &str =
        "Проверьте тариф: проценты — числа вроде 0.45, минимальная комиссия — сумма вроде 45,00, лимит — больше нуля.";
    pub const BAD_LIMITS: &str = "Лимиты — целые числа операций и суммы больше нуля.";
    pub const TERMINALS: &str = "Терминалы и тарифы";
    pub const TARIFF_NOTE: &str =
        "Новый тариф применяется только к новым операциям: у созданных ранее комиссия уже зафиксирована.";
    pub const ENABLED: &str = "Терминал включён";
    pub const AMOUNT_LIMIT: &str = "Лимит суммы операции, ₽";
    pub const SAMPLE_AMOUNT: &str = "Пример суммы, ₽";
    pub const FEE: &str = "Комиссия";
    pub const BANK_PART: &str = "банку";
    pub const SERVICE_PART: &str = "сервису";
    pub const DASH: &str = "—";
    pub const ROTATE: &str = "Сменить секрет";
    pub const ROTATE_CONFIRM: &str = "Сменить секрет подписи уведомлений? Старый будет действовать ещё 24 часа.";
    pub const ROTATE_NOTE: &str =
        "После смены 24 часа уведомления подписываются обоими секретами, чтобы партнёр успел обновить проверку.";
    pub const SECRET_WARNING: &str = "Новый секрет — передайте его партнёру по защищённому каналу.";
    pub const LIMITS: &str = "Дневные лимиты выплат и возвратов";
    pub const PAYOUTS_PER_DAY: &str = "Выплат в день";
    pub const PAYOUT_AMOUNT_PER_DAY: &str = "Сумма выплат в день, ₽";
    pub const REFUNDS_PER_DAY: &str = "Возвратов в день";
    pub const REFUND_AMOUNT_PER_DAY: &str = "Сумма возвратов в день, ₽";
    pub const KEYS: &str = "Ключи API";
    pub const KEY_NAME: &str = "Название ключа";
    pub const ISSUE_KEY: &str = "Выпустить ключ";
    pub const KEY_WARNING: &str = "Ключ показывается один раз: скопируйте его сейчас и передайте партнёру по защищённому каналу. Потом увидеть его будет нельзя — только выпустить новый.";
    pub const NO_KEYS: &str = "Ключей нет.";
    pub const PREFIX: &str = "Префикс";
    pub const CREATED: &str = "Создан";
    pub const LAST_USED: &str = "Последнее использование";
    pub const NEVER: &str = "не использовался";
    pub const REVOKE: &str = "Отозвать";
    pub const REVOKED: &str = "Отозван";
    pub const REVOKE_CONFIRM: &str = "Отозвать ключ";
    pub const COPY: &str = "Копировать";
    pub const COPIED: &str = "Скопировано";
    pub const RESET_TWO_FACTOR: &str = "Сбросить 2FA";
    pub const RESET_TWO_FACTOR_CONFIRM: &str =
        "Сбросить двухфакторный вход пользователя? Его сессии завершатся, при входе он настроит 2FA заново.";
    pub const TWO_FACTOR_BADGE: &str = "2FA";
    pub const CREATE_USER: &str = "Создать пользователя";
    pub const NEW_USER: &str = "Новый пользователь";
    pub const EDIT_USER: &str = "Изменить пользователя";
    pub const NO_USERS: &str = "Пользователей нет.";
    pub const LOGIN: &str = "Логин";
    pub const FULL_NAME: &str = "ФИО";
    pub const EMAIL: &str = "Email";
    pub const PHONE: &str = "Телефон";
    pub const PASSWORD: &str = "Пароль";
    pub const ROLE: &str = "Роль";
    pub const ROLE_ADMIN: &str = "Администратор";
    pub const ROLE_PARTNER: &str = "Партнёр";
    pub const TIME_ZONE: &str = "Часовой пояс";
    pub const USER_ORGANIZATIONS: &str = "Организации пользователя";
    pub const REFUNDS_RIGHT: &str = "Возвраты";
    pub const STATE: &str = "Состояние";
    pub const ACTIVE: &str = "Активен";
    pub const INACTIVE: &str = "Отключён";
    pub const EDIT: &str = "Изменить";
    pub const RESET_PASSWORD: &str = "Сбросить пароль";
    pub const RESET_CONFIRM: &str = "Сбросить пароль? Пользователь войдёт с одноразовым паролем и сразу задаст новый.";
    pub const PASSWORD_WARNING: &str =
        "Одноразовый пароль показывается один раз. Передайте его пользователю: при входе он задаст свой.";
    pub const ACTOR: &str = "Логин пользователя";
    pub const ACTION: &str = "Действие";
    pub const ACTION_HINT: &str = "Действие, например payment. или login.succeeded";
    pub const ANY_ORGANIZATION: &str = "Все организации";
    pub const FROM: &str = "С";
    pub const TO: &str = "По";
    pub const FIND: &str = "Найти";
    pub const AUDIT_HINT: &str = "По умолчанию — последние 30 дней. Нажмите на запись, чтобы увидеть подробности.";
    pub const NO_ENTRIES: &str = "Записей по выбранным условиям нет.";
    pub const ENTRIES: &str = "Записей";
    pub const WHEN: &str = "Время";
    pub const TARGET: &str = "Объект";
    pub const SYSTEM: &str = "система";
    pub const DETAILS: &str = "Подробности записи от";
}

pub mod reconciliation {
    use shared::dto::reconciliation::{DiscrepancyKind, DiscrepancyStatus, RunStatus, RunTrigger};

    pub const MENU: &str = "Сверка";
    pub const TITLE: &str = "Сверка с банком";
    pub const DAY: &str = "День";
    /// The grace window's explanation; the minutes go between the two parts.
    pub const GRACE_BEFORE: &str = "Дни — по московскому времени. Окно допуска у полуночи — ";
    pub const GRACE_AFTER: &str = " мин.: операция, проведённая банком незадолго до полуночи и записанная шлюзом сразу после (или наоборот), считается в дне банка и не является расхождением.";
    pub const RUN: &str = "Запустить сверку";
    pub const RUNNING: &str = "Сверяем…";
    pub const DOWNLOAD: &str = "Скачать xlsx";
    pub const RESULT: &str = "Итог дня";
    pub const NEVER_RAN: &str = "Сверка за этот день ещё не запускалась.";
    pub const STATUS: &str = "Статус";
    pub const STARTED: &str = "Запуск";
    pub const BANK_LINES: &str = "Строк реестра банка";
    pub const MATCHED: &str = "Совпало";
    pub const SETTLED: &str = "Урегулировано автоматически";
    pub const MISMATCHED: &str = "Расхождений найдено";
    pub const OPEN: &str = "Открытых расхождений";
    pub const PROVISIONAL: &str = "Предварительно: сверка запущена до конца дня и окна допуска — банк и шлюз могут ещё провести операции этого дня.";
    pub const OPEN_TITLE: &str = "Открытые расхождения";
    pub const NO_OPEN: &str = "Открытых расхождений нет.";
    pub const CLOSED_TITLE: &str = "Закрытые расхождения";
    pub const RUNS_TITLE: &str = "Запуски";
    pub const KIND: &str = "Вид";
    pub const REFERENCE: &str = "Референс";
    pub const TYPE: &str = "Тип";
    pub const BANK: &str = "Банк";
    pub const GATEWAY: &str = "Шлюз";
    pub const NOTHING: &str = "нет записи";
    pub const RESOLVE: &str = "Отметить решённым";
    pub const COMMENT: &str = "Комментарий";
    pub const COMMENT_HINT: &str = "Почему расхождение больше не требует действий (до 1000 символов).";
    pub const SAVE: &str = "Сохранить";
    pub const CLOSED_BY: &str = "Закрыто";
    pub const WHO: &str = "Кто";
    pub const SCHEDULE_ACTOR: &str = "расписание";
    pub const GLANCE_TITLE: &str = "Сверка с банком за";
    pub const GLANCE_NONE: &str = "ещё не проводилась";
    pub const GLANCE_OPEN: &str = "Открытых расхождений за все дни";
    pub const GLANCE_LINK: &str = "Открыть сверку";

    pub fn kind(k: DiscrepancyKind) -> &'static str {
        k.label_ru()
    }

    pub fn status(s: DiscrepancyStatus) -> &'static str {
        s.label_ru()
    }

    pub fn run_status(s: RunStatus) -> &'static str {
        s.label_ru()
    }

    pub fn trigger(t: RunTrigger) -> &'static str {
        t.label_ru()
    }
}

pub mod security {
    pub const TITLE: &str = "Безопасность";
    pub const MENU: &str = "Безопасность";
    pub const TWO_FACTOR: &str = "Двухфакторный вход";
    pub const EXPLAIN: &str = "После пароля кабинет спросит код из приложения-аутентификатора (Google Authenticator, Яндекс Ключ, 1Password и др.).";
    pub const REQUIRED_NOTICE: &str =
        "Для вашей учётной записи двухфакторный вход обязателен: включите его, чтобы продолжить работу.";
    pub const PASSWORD: &str = "Текущий пароль";
    pub const ENABLE: &str = "Включить";
    pub const SCAN: &str = "Отсканируйте QR-код приложением-аутентификатором.";
    pub const ENTER_CODE: &str = "Введите шестизначный код из приложения.";
    pub const OR_SECRET: &str = "Или введите ключ вручную:";
    pub const CODE: &str = "Код из приложения";
    pub const CONFIRM: &str = "Подтвердить";
    pub const ENABLED_NOW: &str = "Двухфакторный вход включён.";
    pub const DONE: &str = "Готово";
    pub const IS_ON: &str = "Двухфакторный вход включён.";
    pub const CODES_LEFT: &str = "Неиспользованных резервных кодов";
    pub const CODE_OR_RECOVERY: &str = "Код из приложения или резервный код";
    pub const NEW_CODES: &str = "Новые резервные коды";
    pub const DISABLE: &str = "Отключить";
    pub const DISABLE_CONFIRM: &str = "Отключить двухфакторный вход?";
    pub const REQUIRED_CANNOT_DISABLE: &str = "Для вашей роли двухфакторный вход обязателен и не отключается.";
    pub const CODES_WARNING: &str = "Резервные коды показываются один раз. Сохраните их в надёжном месте: каждый код позволяет войти один раз без телефона.";
}

pub mod settlements {
    pub const TITLE: &str = "Взаиморасчёты";
    pub const NOTE: &str = "Выписка за день (реестр и акт сверки) формируется после окончания дня по московскому времени и больше не меняется.";
    pub const ORGANIZATION: &str = "Организация";
    pub const FROM: &str = "С";
    pub const TO: &str = "По";
    pub const DAY: &str = "День";
    pub const OPENING: &str = "Входящий остаток";
    pub const PAYMENTS: &str = "Платежи";
    pub const REFUNDS: &str = "Возвраты";
    pub const FEES: &str = "Комиссии";
    pub const PAYOUTS: &str = "Выплаты";
    pub const CLOSING: &str = "Исходящий остаток";
    pub const OPERATIONS: &str = "Операций";
    pub const FILE: &str = "Файл";
    pub const DOWNLOAD: &str = "xlsx";
    pub const DOWNLOAD_LABEL: &str = "Скачать выписку за";
    pub const TOTAL: &str = "Итого за период";
    pub const EMPTY: &str = "За выбранный период выписок нет: выписка за день появляется после его окончания.";
    pub const NO_ORGANIZATIONS: &str = "За вашей учетной записью не закреплено ни одной организации.";
    pub const BALANCE: &str = "Баланс";
    pub const AVAILABLE: &str = "Доступно";
    pub const PENDING: &str = "Ожидает зачисления";
    pub const PENDING_HINT: &str = "Платежи становятся доступны на следующий день по московскому времени.";
    pub const LAST_STATEMENT: &str = "Последняя выписка";
    pub const NO_STATEMENT: &str = "ещё не сформирована";
    pub const ALL_STATEMENTS: &str = "Все выписки";
}
