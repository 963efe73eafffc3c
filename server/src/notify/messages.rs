//! The notifications' texts, in Kazakh, Russian and English (rules 23, 24.9; the Rules'
//! "notification of changes of the application's and referral's status").
//!
//! A [`Message`] holds no string at all: only instants and the core's own reason types
//! ([`ArchiveReason`], [`StopReason`], [`AdmissionRefusal`], [`RefusalReason`]). So a message
//! can carry the application number (added by [`render`]) and never a person's name or IIN;
//! a test renders every message in every language and checks it. Which event sends which
//! message, and when a reminder is due, is decided in [`super::plan`].
//!
//! | kind | when | carries |
//! |---|---|---|
//! | `accepted` | submitted (rules 22, 24.1) | the originals deadline when they are to be brought |
//! | `originals_confirmed` | the service provider confirmed them; the application is in the queue (22) | |
//! | `refused` | not put in the queue after the originals were checked (22, Appendix 2) | the reasons |
//! | `window_opened` | access to referrals opened (24.4, 24.10) | when it closes |
//! | `window_closing` | reminder, one working day before it closes | when it closes |
//! | `referral_issued` | a referral was taken (24.5, Appendix 4 item 8) | when it expires |
//! | `referral_expiring` | reminder, 24 hours before the referral expires | when it expires |
//! | `referral_extended` | extended once (rule 30) | when it now expires |
//! | `referral_expired` | it ran out unused (Appendix 4 item 8) | |
//! | `referral_cancelled` | by the applicant (30), the place withdrawn (25), admission refused (34), the application ended | the reason |
//! | `admitted` | admitted (31-35), or to a temporary place (25.4) | the temporary stay's end |
//! | `stop_listed` | placed on the stop-list (3.13, 20.6) | the reason |
//! | `restored` | restored to the queue from the stop-list | |
//! | `priority_changed` | the priority right changed (20.3) | |
//! | `withdrawn` | withdrawn by the applicant (20.4, 23) | |
//! | `archived` | archived (18/24.9 age limit, 22 originals missed, 22 grounds failed) | the reason |
//!
//! Instants are written as the page writes them ([`format_moment`]:
//! `30.11.2026, 23:59 (Astana time)`); the words follow `docs/glossary.md` (a test checks its
//! forbidden list against every text). The reasons reuse the core's catalog texts where it has
//! them (stop-list and refusal reasons).

use chrono::{DateTime, Utc};
use kezek::i18n::Lang;
use kezek::queue::seat::WithdrawalReason;
use kezek::queue::ApplicationNumber;
use kezek::status::{format_moment, AdmissionRefusal, ArchiveReason, RefusalReason, StopReason};

/// Something to tell an applicant about their application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// `originals_due`: when the originals are late (rule 22), if they are to be brought.
    Accepted { originals_due: Option<DateTime<Utc>> },
    OriginalsConfirmed,
    Refused { reasons: Vec<RefusalReason> },
    WindowOpened { closes_at: DateTime<Utc> },
    WindowClosing { closes_at: DateTime<Utc> },
    ReferralIssued { valid_until: DateTime<Utc> },
    ReferralExpiring { valid_until: DateTime<Utc> },
    ReferralExtended { valid_until: DateTime<Utc> },
    ReferralExpired,
    ReferralCancelled { reason: ReferralCancellation },
    /// `temporary_until`: the end of a temporary stay (rule 25.4), else a permanent place.
    Admitted { temporary_until: Option<DateTime<Utc>> },
    StopListed { reason: StopReason },
    Restored,
    PriorityChanged,
    Withdrawn,
    Archived { reason: ArchiveReason },
}

/// `why`, and for a withdrawn place the reason the kindergarten gave (rule 25.2), in the words of
/// the operator's form (`option.withdrawal.*`): "the kindergarten withdrew the place (quarantine)".
fn with_withdrawal(why: &str, reason: ReferralCancellation, lang: Lang) -> String {
    let ReferralCancellation::SeatWithdrawn(Some(withdrawal)) = reason else { return why.to_owned() };
    let words = kezek::i18n::text(lang, &format!("option.withdrawal.{}", withdrawal.code()));
    let mut chars = words.chars();
    let lowered: String = chars.next().into_iter().flat_map(char::to_lowercase).chain(chars).collect();
    format!("{why} ({lowered})")
}

/// Why a referral ended before it was used: the core event that ended it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralCancellation {
    /// The applicant cancelled it within 24 hours (rule 30): the application keeps its place.
    ByApplicant,
    /// The kindergarten withdrew the place (rule 25), for the reason it gave (rule 25.2):
    /// the application keeps its place.
    SeatWithdrawn(Option<WithdrawalReason>),
    /// The kindergarten refused admission (rule 34).
    AdmissionRefused(AdmissionRefusal),
    /// The application itself ended; its own message follows.
    ApplicationEnded(Ending),
}

/// How an application ended while it held a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Withdrawn,
    StopListed,
    Archived,
}

impl Message {
    /// The stable code of the message's kind (stored with the outbox row, for reports).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Accepted { .. } => "accepted",
            Message::OriginalsConfirmed => "originals_confirmed",
            Message::Refused { .. } => "refused",
            Message::WindowOpened { .. } => "window_opened",
            Message::WindowClosing { .. } => "window_closing",
            Message::ReferralIssued { .. } => "referral_issued",
            Message::ReferralExpiring { .. } => "referral_expiring",
            Message::ReferralExtended { .. } => "referral_extended",
            Message::ReferralExpired => "referral_expired",
            Message::ReferralCancelled { .. } => "referral_cancelled",
            Message::Admitted { .. } => "admitted",
            Message::StopListed { .. } => "stop_listed",
            Message::Restored => "restored",
            Message::PriorityChanged => "priority_changed",
            Message::Withdrawn => "withdrawn",
            Message::Archived { .. } => "archived",
        }
    }
}

/// A message as sent: an e-mail subject and a text (the SMS, and the e-mail's first paragraph).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
}

/// The footer of every e-mail.
pub fn email_footer(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "Бұл хабарламаны kezek жіберді: өтініште хабарлама үшін осы электрондық пошта мекенжайы көрсетілген. Хабарлама арналарын өтініш бетінде өзгертуге болады.",
        Lang::Ru => "Это уведомление отправил kezek: в заявлении этот адрес электронной почты указан для уведомлений. Каналы уведомлений можно изменить на странице заявления.",
        Lang::En => "kezek sent this notification because the application gives this email address for notifications. You can change the channels on the application's page.",
    }
}

/// The message about application `number` in `lang`.
pub fn render(message: &Message, number: ApplicationNumber, lang: Lang) -> Rendered {
    let n = number.to_string();
    let (subject, text) = match lang {
        Lang::En => english(message, &n),
        Lang::Ru => russian(message, &n),
        Lang::Kk => kazakh(message, &n),
    };
    Rendered { subject, text }
}

fn english(message: &Message, n: &str) -> (String, String) {
    let at = |instant: DateTime<Utc>| format_moment(instant, Lang::En);
    match message {
        Message::Accepted { originals_due: Some(due) } => (
            format!("Application {n} accepted: bring the original documents"),
            format!("Kezek: application {n} is accepted. Bring the original documents to the service provider for comparison by {}: the application is put in the queue once they are confirmed.", at(*due)),
        ),
        Message::Accepted { originals_due: None } => (
            format!("Application {n} accepted"),
            format!("Kezek: application {n} is accepted and put in the queue. Its queue number is on the application's page."),
        ),
        Message::OriginalsConfirmed => (
            format!("Application {n}: original documents confirmed"),
            format!("Kezek: the service provider confirmed the original documents of application {n}; the application is put in the queue."),
        ),
        Message::Refused { reasons } => (
            format!("Application {n}: refused"),
            format!("Kezek: application {n} was not put in the queue. Reason: {}.", refusal_reasons(reasons, Lang::En)),
        ),
        Message::WindowOpened { closes_at } => (
            format!("Application {n}: access to referrals is open"),
            format!("Kezek: access to referrals is open for application {n}. Choose a kindergarten and take a referral by {}.", at(*closes_at)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("Application {n}: access to referrals closes soon"),
            format!("Kezek: one working day is left: access to referrals for application {n} closes at {}. Choose a kindergarten and take a referral before then.", at(*closes_at)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("Application {n}: referral issued"),
            format!("Kezek: a referral is issued for application {n}. Bring the referral and documents to the kindergarten by {}. You can cancel the referral within 24 hours of its issue.", at(*valid_until)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("Application {n}: the referral expires in 24 hours"),
            format!("Kezek: the referral of application {n} is valid until {}. Bring the referral and documents to the kindergarten before then.", at(*valid_until)),
        ),
        Message::ReferralExtended { valid_until } => (
            format!("Application {n}: the referral is extended"),
            format!("Kezek: the referral of application {n} is extended and valid until {}.", at(*valid_until)),
        ),
        Message::ReferralExpired => (
            format!("Application {n}: the referral has expired"),
            format!("Kezek: the referral of application {n} has expired and its place is released. Confirm on the application's page that you are still interested in a place, and places are offered to you again."),
        ),
        Message::ReferralCancelled { reason } => {
            let (why, then) = match reason {
                ReferralCancellation::ByApplicant => ("at your request", " The application keeps its queue number."),
                ReferralCancellation::SeatWithdrawn(_) => ("the kindergarten withdrew the place", " The application keeps its queue number, and places are offered to it again."),
                ReferralCancellation::AdmissionRefused(refusal) => (
                    match refusal {
                        AdmissionRefusal::MissingDocuments => "admission refused: documents were missing",
                        AdmissionRefusal::ExpiredDocuments => "admission refused: documents were out of date",
                        AdmissionRefusal::MedicalContraindications => "admission refused: medical contraindications",
                    },
                    " The application keeps its queue number; confirm on the application's page that you are still interested in a place.",
                ),
                ReferralCancellation::ApplicationEnded(Ending::Withdrawn) => ("the application was withdrawn", ""),
                ReferralCancellation::ApplicationEnded(Ending::StopListed) => ("the application was placed on the stop-list", ""),
                ReferralCancellation::ApplicationEnded(Ending::Archived) => ("the application was moved to the archive", ""),
            };
            let why = with_withdrawal(why, *reason, Lang::En);
            (format!("Application {n}: referral cancelled"), format!("Kezek: the referral of application {n} is cancelled. Reason: {why}.{then}"))
        }
        Message::Admitted { temporary_until: None } => (
            format!("Application {n}: admitted to the kindergarten"),
            format!("Kezek: the child of application {n} is admitted to the kindergarten; the application is moved to the archive."),
        ),
        Message::Admitted { temporary_until: Some(until) } => (
            format!("Application {n}: admitted to a temporary place"),
            format!("Kezek: the child of application {n} is admitted to a temporary place until {}; the application keeps its queue number.", at(*until)),
        ),
        Message::StopListed { reason } => (
            format!("Application {n}: placed on the stop-list"),
            format!("Kezek: application {n} is placed on the stop-list: no referrals are offered to it. {}.", stop_reason(*reason, Lang::En)),
        ),
        Message::Restored => (
            format!("Application {n}: restored to the queue"),
            format!("Kezek: application {n} is restored to the queue from the stop-list."),
        ),
        Message::PriorityChanged => (
            format!("Application {n}: priority right changed"),
            format!("Kezek: the priority right of application {n} has changed; its queue number is recalculated. See the application's page."),
        ),
        Message::Withdrawn => (
            format!("Application {n}: application withdrawn"),
            format!("Kezek: application {n} is withdrawn and removed from the queue."),
        ),
        Message::Archived { reason } => (
            format!("Application {n}: moved to the archive"),
            format!(
                "Kezek: application {n} is moved to the archive and removed from the queue. {}",
                match reason {
                    ArchiveReason::AgedOut => "The child has reached the age limit of the queue.",
                    ArchiveReason::OriginalsMissed => "The original documents were not brought within 5 working days.",
                    ArchiveReason::GroundsFailed => "The monthly check did not confirm the grounds of the application.",
                }
            ),
        ),
    }
}

fn russian(message: &Message, n: &str) -> (String, String) {
    let at = |instant: DateTime<Utc>| format_moment(instant, Lang::Ru);
    match message {
        Message::Accepted { originals_due: Some(due) } => (
            format!("Заявление {n} принято: принесите оригиналы документов"),
            format!("Кезек: заявление {n} принято. Принесите оригиналы документов услугодателю для сверки до {}: после их подтверждения заявление будет поставлено на очередь.", at(*due)),
        ),
        Message::Accepted { originals_due: None } => (
            format!("Заявление {n} принято"),
            format!("Кезек: заявление {n} принято и поставлено на очередь. Порядковый номер — на странице заявления."),
        ),
        Message::OriginalsConfirmed => (
            format!("Заявление {n}: оригиналы документов подтверждены"),
            format!("Кезек: услугодатель подтвердил оригиналы документов по заявлению {n}; заявление поставлено на очередь."),
        ),
        Message::Refused { reasons } => (
            format!("Заявление {n}: отказано в постановке на очередь"),
            format!("Кезек: по заявлению {n} отказано в постановке на очередь. Причина: {}.", refusal_reasons(reasons, Lang::Ru)),
        ),
        Message::WindowOpened { closes_at } => (
            format!("Заявление {n}: открыт доступ к получению направления"),
            format!("Кезек: по заявлению {n} открыт доступ к получению направления. Выберите детский сад и получите направление до {}.", at(*closes_at)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("Заявление {n}: доступ к получению направления скоро закроется"),
            format!("Кезек: остался один рабочий день: доступ к получению направления по заявлению {n} закроется {}. Выберите детский сад и получите направление до этого времени.", at(*closes_at)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("Заявление {n}: направление выдано"),
            format!("Кезек: по заявлению {n} выдано направление. Принесите направление и документы в детский сад до {}. Отменить направление можно в течение суток с момента его выдачи.", at(*valid_until)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("Заявление {n}: срок действия направления истекает через сутки"),
            format!("Кезек: направление по заявлению {n} действует до {}. Принесите направление и документы в детский сад до этого времени.", at(*valid_until)),
        ),
        Message::ReferralExtended { valid_until } => (
            format!("Заявление {n}: срок действия направления продлён"),
            format!("Кезек: срок действия направления по заявлению {n} продлён; направление действует до {}.", at(*valid_until)),
        ),
        Message::ReferralExpired => (
            format!("Заявление {n}: срок действия направления истёк"),
            format!("Кезек: срок действия направления по заявлению {n} истёк, место освобождено. Подтвердите на странице заявления заинтересованность в получении места, и места снова будут вам предлагаться."),
        ),
        Message::ReferralCancelled { reason } => {
            let (why, then) = match reason {
                ReferralCancellation::ByApplicant => ("по вашему запросу", " Порядковый номер заявления в очереди сохраняется."),
                ReferralCancellation::SeatWithdrawn(_) => ("детский сад отозвал место", " Порядковый номер заявления в очереди сохраняется, места будут предлагаться снова."),
                ReferralCancellation::AdmissionRefused(refusal) => (
                    match refusal {
                        AdmissionRefusal::MissingDocuments => "отказ в зачислении: не хватало документов",
                        AdmissionRefusal::ExpiredDocuments => "отказ в зачислении: срок действия документов истёк",
                        AdmissionRefusal::MedicalContraindications => "отказ в зачислении: медицинские противопоказания",
                    },
                    " Порядковый номер заявления в очереди сохраняется; подтвердите на странице заявления заинтересованность в получении места.",
                ),
                ReferralCancellation::ApplicationEnded(Ending::Withdrawn) => ("заявление отозвано", ""),
                ReferralCancellation::ApplicationEnded(Ending::StopListed) => ("заявление помещено в стоп-лист", ""),
                ReferralCancellation::ApplicationEnded(Ending::Archived) => ("заявление помещено в архив", ""),
            };
            let why = with_withdrawal(why, *reason, Lang::Ru);
            (format!("Заявление {n}: направление отменено"), format!("Кезек: направление по заявлению {n} отменено. Причина: {why}.{then}"))
        }
        Message::Admitted { temporary_until: None } => (
            format!("Заявление {n}: ребёнок зачислен в детский сад"),
            format!("Кезек: ребёнок по заявлению {n} зачислен в детский сад; заявление помещено в архив."),
        ),
        Message::Admitted { temporary_until: Some(until) } => (
            format!("Заявление {n}: ребёнок зачислен на временное место"),
            format!("Кезек: ребёнок по заявлению {n} зачислен на временное место до {}; порядковый номер заявления в очереди сохраняется.", at(*until)),
        ),
        Message::StopListed { reason } => (
            format!("Заявление {n}: помещено в стоп-лист"),
            format!("Кезек: заявление {n} помещено в стоп-лист: направления по нему не предлагаются. {}.", stop_reason(*reason, Lang::Ru)),
        ),
        Message::Restored => (
            format!("Заявление {n}: восстановлено в очереди"),
            format!("Кезек: заявление {n} восстановлено в очереди из стоп-листа."),
        ),
        Message::PriorityChanged => (
            format!("Заявление {n}: изменилось право на первоочередное получение места"),
            format!("Кезек: по заявлению {n} изменилось право на первоочередное получение места; порядковый номер в очереди пересчитан. Подробности — на странице заявления."),
        ),
        Message::Withdrawn => (
            format!("Заявление {n}: заявление отозвано"),
            format!("Кезек: заявление {n} отозвано и исключено из очереди."),
        ),
        Message::Archived { reason } => (
            format!("Заявление {n}: помещено в архив"),
            format!(
                "Кезек: заявление {n} помещено в архив и исключено из очереди. {}",
                match reason {
                    ArchiveReason::AgedOut => "Ребёнок достиг предельного возраста очереди.",
                    ArchiveReason::OriginalsMissed => "Оригиналы документов не принесены в течение 5 рабочих дней.",
                    ArchiveReason::GroundsFailed => "Ежемесячная проверка не подтвердила основания заявления.",
                }
            ),
        ),
    }
}

fn kazakh(message: &Message, n: &str) -> (String, String) {
    let at = |instant: DateTime<Utc>| format_moment(instant, Lang::Kk);
    match message {
        Message::Accepted { originals_due: Some(due) } => (
            format!("{n} өтініші қабылданды: құжаттардың түпнұсқаларын әкеліңіз"),
            format!("Кезек: {n} өтініші қабылданды. Құжаттардың түпнұсқаларын салыстырып тексеру үшін көрсетілетін қызметті берушіге {} дейін әкеліңіз: олар расталғаннан кейін өтініш кезекке қойылады.", at(*due)),
        ),
        Message::Accepted { originals_due: None } => (
            format!("{n} өтініші қабылданды"),
            format!("Кезек: {n} өтініші қабылданды және кезекке қойылды. Реттік нөмірі өтініш бетінде көрсетілген."),
        ),
        Message::OriginalsConfirmed => (
            format!("{n} өтініші: құжаттардың түпнұсқалары расталды"),
            format!("Кезек: көрсетілетін қызметті беруші {n} өтінішінің құжаттарының түпнұсқаларын растады; өтініш кезекке қойылды."),
        ),
        Message::Refused { reasons } => (
            format!("{n} өтініші: кезекке қоюдан бас тартылды"),
            format!("Кезек: {n} өтінішін кезекке қоюдан бас тартылды. Себебі: {}.", refusal_reasons(reasons, Lang::Kk)),
        ),
        Message::WindowOpened { closes_at } => (
            format!("{n} өтініші: жолдама алуға қолжетімділік ашық"),
            format!("Кезек: {n} өтініші бойынша жолдама алуға қолжетімділік ашылды. Балабақшаны таңдап, жолдаманы {} дейін алыңыз.", at(*closes_at)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("{n} өтініші: жолдама алуға қолжетімділік жақында жабылады"),
            format!("Кезек: бір жұмыс күні қалды: {n} өтініші бойынша жолдама алуға қолжетімділік {} жабылады. Балабақшаны таңдап, жолдаманы осы уақытқа дейін алыңыз.", at(*closes_at)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("{n} өтініші: жолдама берілді"),
            format!("Кезек: {n} өтініші бойынша жолдама берілді. Жолдама мен құжаттарды балабақшаға {} дейін әкеліңіз. Жолдаманы ол берілген сәттен бастап бір тәулік ішінде жоюға болады.", at(*valid_until)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("{n} өтініші: жолдаманың қолданылу мерзімі бір тәуліктен кейін өтеді"),
            format!("Кезек: {n} өтініші бойынша жолдама {} дейін жарамды. Жолдама мен құжаттарды балабақшаға осы уақытқа дейін әкеліңіз.", at(*valid_until)),
        ),
        Message::ReferralExtended { valid_until } => (
            format!("{n} өтініші: жолдаманың қолданылу мерзімі ұзартылды"),
            format!("Кезек: {n} өтініші бойынша жолдаманың қолданылу мерзімі ұзартылды; жолдама {} дейін жарамды.", at(*valid_until)),
        ),
        Message::ReferralExpired => (
            format!("{n} өтініші: жолдаманың қолданылу мерзімі өтті"),
            format!("Кезек: {n} өтініші бойынша жолдаманың қолданылу мерзімі өтті, орын босатылды. Өтініш бетінде орын алуға мүдделі екеніңізді растаңыз: сонда сізге орын қайта ұсынылады."),
        ),
        Message::ReferralCancelled { reason } => {
            let (why, then) = match reason {
                ReferralCancellation::ByApplicant => ("сіздің сұрауыңыз бойынша", " Өтініштің кезектегі реттік нөмірі сақталады."),
                ReferralCancellation::SeatWithdrawn(_) => ("балабақша орынды қайтарып алды", " Өтініштің кезектегі реттік нөмірі сақталады, орын қайта ұсынылады."),
                ReferralCancellation::AdmissionRefused(refusal) => (
                    match refusal {
                        AdmissionRefusal::MissingDocuments => "оқуға қабылдаудан бас тарту: құжаттар жетіспеді",
                        AdmissionRefusal::ExpiredDocuments => "оқуға қабылдаудан бас тарту: құжаттардың мерзімі өтті",
                        AdmissionRefusal::MedicalContraindications => "оқуға қабылдаудан бас тарту: медициналық қарсы көрсетілімдер",
                    },
                    " Өтініштің кезектегі реттік нөмірі сақталады; өтініш бетінде орын алуға мүдделі екеніңізді растаңыз.",
                ),
                ReferralCancellation::ApplicationEnded(Ending::Withdrawn) => ("өтініш кері қайтарып алынды", ""),
                ReferralCancellation::ApplicationEnded(Ending::StopListed) => ("өтініш стоп-параққа орналастырылды", ""),
                ReferralCancellation::ApplicationEnded(Ending::Archived) => ("өтініш мұрағатқа орналастырылды", ""),
            };
            let why = with_withdrawal(why, *reason, Lang::Kk);
            (format!("{n} өтініші: жолдама жойылды"), format!("Кезек: {n} өтініші бойынша жолдама жойылды. Себебі: {why}.{then}"))
        }
        Message::Admitted { temporary_until: None } => (
            format!("{n} өтініші: бала балабақшаға қабылданды"),
            format!("Кезек: {n} өтініші бойынша бала балабақшаға қабылданды; өтініш мұрағатқа орналастырылды."),
        ),
        Message::Admitted { temporary_until: Some(until) } => (
            format!("{n} өтініші: бала уақытша орынға қабылданды"),
            format!("Кезек: {n} өтініші бойынша бала {} дейін уақытша орынға қабылданды; өтініштің кезектегі реттік нөмірі сақталады.", at(*until)),
        ),
        Message::StopListed { reason } => (
            format!("{n} өтініші: стоп-параққа орналастырылды"),
            format!("Кезек: {n} өтініші стоп-параққа орналастырылды: ол бойынша жолдама ұсынылмайды. {}.", stop_reason(*reason, Lang::Kk)),
        ),
        Message::Restored => (
            format!("{n} өтініші: кезекте қалпына келтірілді"),
            format!("Кезек: {n} өтініші стоп-парақтан кезекте қалпына келтірілді."),
        ),
        Message::PriorityChanged => (
            format!("{n} өтініші: бірінші кезекте орын алу құқығы өзгерді"),
            format!("Кезек: {n} өтінішінің бірінші кезекте орын алу құқығы өзгерді; кезектегі реттік нөмірі қайта есептелді. Толығырақ өтініш бетінде."),
        ),
        Message::Withdrawn => (
            format!("{n} өтініші: өтініш кері қайтарып алынды"),
            format!("Кезек: {n} өтініші кері қайтарып алынды және кезектен шығарылды."),
        ),
        Message::Archived { reason } => (
            format!("{n} өтініші: мұрағатқа орналастырылды"),
            format!(
                "Кезек: {n} өтініші мұрағатқа орналастырылды және кезектен шығарылды. {}",
                match reason {
                    ArchiveReason::AgedOut => "Бала кезектің шекті жасына толды.",
                    ArchiveReason::OriginalsMissed => "Құжаттардың түпнұсқалары 5 жұмыс күні ішінде әкелінбеді.",
                    ArchiveReason::GroundsFailed => "Ай сайынғы тексеру өтініштің негіздерін растамады.",
                }
            ),
        ),
    }
}

/// The stop-list reason, as the tracker words it (the core's catalog: "Reason: …").
fn stop_reason(reason: StopReason, lang: Lang) -> String {
    kezek::i18n::text(lang, &format!("status.stop.{}", reason.code()))
}

/// The refusal reasons, as the tracker words them (the core's catalog), joined.
fn refusal_reasons(reasons: &[RefusalReason], lang: Lang) -> String {
    let texts: Vec<String> = reasons.iter().map(|r| kezek::i18n::text(lang, &format!("status.refusal.{}", r.code()))).collect();
    let joined = texts.join("; ");
    // The catalog's texts start a sentence; after "Reason:" they continue one.
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => joined,
    }
}

/// One of each message (every reason), for tests and previews.
pub fn every_message(at: DateTime<Utc>) -> Vec<Message> {
    let mut all = vec![
        Message::Accepted { originals_due: Some(at) },
        Message::Accepted { originals_due: None },
        Message::OriginalsConfirmed,
        Message::Refused { reasons: RefusalReason::ALL.to_vec() },
        Message::WindowOpened { closes_at: at },
        Message::WindowClosing { closes_at: at },
        Message::ReferralIssued { valid_until: at },
        Message::ReferralExpiring { valid_until: at },
        Message::ReferralExtended { valid_until: at },
        Message::ReferralExpired,
        Message::Admitted { temporary_until: None },
        Message::Admitted { temporary_until: Some(at) },
        Message::Restored,
        Message::PriorityChanged,
        Message::Withdrawn,
    ];
    all.extend(RefusalReason::ALL.iter().map(|r| Message::Refused { reasons: vec![*r] }));
    let mut cancellations = vec![
        ReferralCancellation::ByApplicant,
        ReferralCancellation::SeatWithdrawn(None),
        ReferralCancellation::ApplicationEnded(Ending::Withdrawn),
        ReferralCancellation::ApplicationEnded(Ending::StopListed),
        ReferralCancellation::ApplicationEnded(Ending::Archived),
    ];
    cancellations.extend(WithdrawalReason::ALL.iter().map(|r| ReferralCancellation::SeatWithdrawn(Some(*r))));
    cancellations.extend(AdmissionRefusal::ALL.iter().map(|r| ReferralCancellation::AdmissionRefused(*r)));
    all.extend(cancellations.into_iter().map(|reason| Message::ReferralCancelled { reason }));
    all.extend(StopReason::ALL.iter().map(|reason| Message::StopListed { reason: *reason }));
    all.extend(ArchiveReason::ALL.iter().map(|reason| Message::Archived { reason: *reason }));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kezek::iin::Iin;

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn number() -> ApplicationNumber {
        ApplicationNumber::parse("2418211947256").unwrap()
    }

    #[test]
    fn every_message_in_every_language_carries_the_number_and_no_iin() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for message in every_message(instant("2026-11-25T19:00:00Z")) {
            for lang in Lang::ALL {
                let r = render(&message, number(), lang);
                for part in [&r.subject, &r.text] {
                    assert!(part.contains("2418211947256"), "{} {}: {part}", message.kind(), lang.code());
                    // No run of exactly 12 digits, and none that reads as an IIN.
                    let runs: Vec<String> = part.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(str::to_string).collect();
                    for run in runs {
                        assert_ne!(run.len(), 12, "{}: {part}", message.kind());
                        assert!(Iin::parse(&run, today).is_err(), "{}: {part}", message.kind());
                    }
                    assert!(!part.contains('{') && !part.contains('}'), "unfilled placeholder: {part}");
                }
                assert!(r.text.chars().count() < 400, "{} {} is short enough for a few SMS parts", message.kind(), lang.code());
            }
        }
    }

    #[test]
    fn the_three_languages_differ_and_kazakh_uses_kazakh_letters() {
        for message in every_message(instant("2026-11-25T19:00:00Z")) {
            let [kk, ru, en] = Lang::ALL.map(|l| render(&message, number(), l).text);
            assert!(kk != ru && ru != en && kk != en, "{}", message.kind());
            assert!(kk.chars().any(|c| "әғқңөұүһі".contains(c)), "{}: {kk}", message.kind());
        }
    }

    #[test]
    fn instants_are_written_as_the_page_writes_them() {
        // 19:00 UTC on 25 Nov 2026 is 00:00 on 26 Nov in Astana (UTC+5): the end of the 25th.
        let m = Message::WindowOpened { closes_at: instant("2026-11-25T19:00:00Z") };
        assert!(render(&m, number(), Lang::En).text.contains("by 25.11.2026, 23:59 (Astana time)."));
        assert!(render(&m, number(), Lang::Ru).text.contains("до 25.11.2026, 23:59 (время Астаны)."));
        assert!(render(&m, number(), Lang::Kk).text.contains("25.11.2026, 23:59 (Астана уақыты) дейін"));
        let m = Message::ReferralIssued { valid_until: instant("2026-11-25T13:00:00Z") };
        let text = render(&m, number(), Lang::En).text;
        assert!(text.contains(&format_moment(instant("2026-11-25T13:00:00Z"), Lang::En)) && text.contains("25.11.2026, 18:00"), "{text}");
    }

    #[test]
    fn a_cancelled_referral_says_why_and_who_keeps_the_queue_number() {
        let text = |reason| render(&Message::ReferralCancelled { reason }, number(), Lang::En).text;
        let withdrawn = text(ReferralCancellation::SeatWithdrawn(None));
        assert!(withdrawn.contains("withdrew the place") && withdrawn.contains("keeps its queue number"), "{withdrawn}");
        // With the kindergarten's reason (rule 25.2), in the words of the operator's form.
        let repair = text(ReferralCancellation::SeatWithdrawn(Some(WithdrawalReason::MajorRepair)));
        assert!(repair.contains("withdrew the place (major repair)."), "{repair}");
        let ru = render(&Message::ReferralCancelled { reason: ReferralCancellation::SeatWithdrawn(Some(WithdrawalReason::Closure)) }, number(), Lang::Ru).text;
        assert!(ru.contains(&format!("отозвал место ({})", kezek::i18n::text(Lang::Ru, "option.withdrawal.closure").to_lowercase())), "{ru}");
        let own = text(ReferralCancellation::ByApplicant);
        assert!(own.contains("at your request"), "{own}");
        let refused = text(ReferralCancellation::AdmissionRefused(AdmissionRefusal::MedicalContraindications));
        assert!(refused.contains("medical contraindications"), "{refused}");
        let ended = text(ReferralCancellation::ApplicationEnded(Ending::Withdrawn));
        assert!(ended.contains("the application was withdrawn") && !ended.contains("keeps"), "{ended}");
    }

    #[test]
    fn reasons_come_from_the_cores_catalog() {
        let stop = render(&Message::StopListed { reason: StopReason::UnreliableData }, number(), Lang::Ru).text;
        assert!(stop.contains(&kezek::i18n::text(Lang::Ru, "status.stop.unreliable_data")), "{stop}");
        let refused = render(&Message::Refused { reasons: vec![RefusalReason::NotEligible] }, number(), Lang::En).text;
        assert!(refused.contains("Reason: the child or the applicant does not meet the requirements"), "{refused}");
    }

    #[test]
    fn kinds_are_distinct_codes() {
        let mut kinds: Vec<&str> = every_message(instant("2026-11-25T19:00:00Z")).iter().map(Message::kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 16);
    }

    /// `docs/glossary.md`'s forbidden words (the table the core's catalogs are checked against)
    /// appear in no message either.
    #[test]
    fn messages_follow_the_glossary() {
        const GLOSSARY: &str = include_str!("../../../docs/glossary.md");
        let begin = "<!-- glossary-check:forbidden:begin -->";
        let start = GLOSSARY.find(begin).expect("the forbidden table") + begin.len();
        let stop = GLOSSARY[start..].find("<!-- glossary-check:forbidden:end -->").expect("its end") + start;
        let rows: Vec<Vec<&str>> = GLOSSARY[start..stop]
            .lines()
            .filter(|l| l.trim_start().starts_with('|'))
            .skip(2)
            .map(|l| l.trim().trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        assert!(rows.len() >= 20, "the table was read");
        let at_word_start = |text: &str, pattern: &str| {
            let (text, pattern) = (text.to_lowercase(), pattern.to_lowercase());
            let boundary = pattern.chars().next().is_some_and(char::is_alphabetic);
            text.match_indices(&pattern).any(|(i, _)| !boundary || !text[..i].chars().next_back().is_some_and(char::is_alphabetic))
        };
        let mut broken = Vec::new();
        for row in &rows {
            let lang = match row[0] {
                "kk" => Lang::Kk,
                "ru" => Lang::Ru,
                _ => Lang::En,
            };
            let patterns: Vec<&str> = row[1].split('`').skip(1).step_by(2).collect();
            for message in every_message(instant("2026-11-25T19:00:00Z")) {
                let r = render(&message, number(), lang);
                let footer = email_footer(lang);
                for text in [r.subject.as_str(), r.text.as_str(), footer] {
                    for pattern in &patterns {
                        if at_word_start(text, pattern) {
                            broken.push(format!("{} [{}] says «{pattern}»: {text}", message.kind(), lang.code()));
                        }
                    }
                }
            }
        }
        assert!(broken.is_empty(), "{}", broken.join("\n"));
    }
}
