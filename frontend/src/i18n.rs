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
}

pub mod common {
    pub const LOADING: &str = "Загрузка…";
    pub const NETWORK: &str = "Не удалось связаться с сервером. Проверьте соединение и попробуйте снова.";
    pub const SERVER: &str = "Сервис временно недоступен. Попробуйте позже.";
    pub const NOT_FOUND: &str = "Страница не найдена";
    pub const NOT_FOUND_HINT: &str = "Такой страницы нет или у вас нет к ней доступа.";
    pub const TO_START: &str = "На главную";
    pub const BACK: &str = "Назад";
}

pub mod transactions {
    pub const TITLE: &str = "Список транзакций";
    pub const EMPTY: &str = "Транзакций за выбранный период нет.";
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
    pub const EMPTY: &str = "Данных для отчёта пока нет.";
}
