//! The notifications' texts, in Kazakh, Russian and English (rules 23, 24.9; the Rules'
//! "notification of changes of the application's and referral's status").
//!
//! A [`Message`] holds no string at all: only dates, instants and reason codes. So a message
//! can carry the application number (added by [`render`]) and never a person's name or IIN;
//! a test renders every message in every language and checks it.
//!
//! | kind | when | carries |
//! |---|---|---|
//! | `accepted` | submitted (rule 29) | the last day to bring the originals |
//! | `originals_confirmed` | the provider confirmed them; the application is in the queue | |
//! | `window_opened` | 07:00, access to referrals (rule 24.4) | when the window closes |
//! | `window_closing` | one working day before it closes | when it closes |
//! | `referral_issued` | a referral was taken (App. 4 item 8) | when it expires |
//! | `referral_expiring` | one day before the referral expires | when it expires |
//! | `referral_expired` | it expired | |
//! | `referral_cancelled` | cancelled by the applicant (rule 30), a withdrawn seat (rule 25), a refused admission (rule 34) | the reason |
//! | `admitted` | admitted (Appendix 4) | |
//! | `stop_listed` | moved to the stop-list (rule 20.6) | the reason |
//! | `priority_changed` | the priority status changed (rule 20.3) | the new class |
//! | `archived` | archived (rule 24.9, withdrawal, other) | the reason |
//!
//! Deadlines are written in Kazakhstan local time. A deadline at local midnight is "the end of"
//! the day before (the Rules count to the end of a day: `kezek::status::deadline`); any other
//! is a date and a time.

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use kezek::calendar::zone;
use kezek::i18n::Lang;
use kezek::queue::{ApplicationNumber, Class};
use kezek::status::StopReason;

/// Something to tell an applicant about their application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    Accepted { originals_last_day: NaiveDate },
    OriginalsConfirmed,
    WindowOpened { closes_at: DateTime<Utc> },
    WindowClosing { closes_at: DateTime<Utc> },
    ReferralIssued { valid_until: DateTime<Utc> },
    ReferralExpiring { valid_until: DateTime<Utc> },
    ReferralExpired,
    ReferralCancelled { reason: CancelReason },
    Admitted,
    StopListed { reason: StopReason },
    PriorityChanged { class: Class },
    Archived { reason: ArchiveReason },
}

/// Why a referral was cancelled. (The lifecycle's own reason type should replace this once the
/// core has one; the texts stay here.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelReason {
    /// The applicant cancelled it within one day (rule 30).
    ByApplicant,
    /// The kindergarten withdrew the seat (rule 25): major repair, quarantine, cancelled state
    /// order, closure. The application keeps its place.
    MajorRepair,
    Quarantine,
    StateOrderCancelled,
    KindergartenClosed,
    /// Admission refused (rule 34).
    DocumentsMissingOrExpired,
    MedicalContraindications,
}

impl CancelReason {
    fn seat_withdrawn(self) -> bool {
        matches!(self, CancelReason::MajorRepair | CancelReason::Quarantine | CancelReason::StateOrderCancelled | CancelReason::KindergartenClosed)
    }
}

/// Why an application went to the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveReason {
    /// The child reached the age limit (rules 18, 24.9).
    AgedOut,
    /// The applicant withdrew it.
    Withdrawn,
    Other,
}

impl Message {
    /// The stable code of the message's kind (stored with the outbox row, for reports).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Accepted { .. } => "accepted",
            Message::OriginalsConfirmed => "originals_confirmed",
            Message::WindowOpened { .. } => "window_opened",
            Message::WindowClosing { .. } => "window_closing",
            Message::ReferralIssued { .. } => "referral_issued",
            Message::ReferralExpiring { .. } => "referral_expiring",
            Message::ReferralExpired => "referral_expired",
            Message::ReferralCancelled { .. } => "referral_cancelled",
            Message::Admitted => "admitted",
            Message::StopListed { .. } => "stop_listed",
            Message::PriorityChanged { .. } => "priority_changed",
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
        Lang::Kk => "Бұл хабарды kezek жіберді: өтініште хабарлама үшін осы мекенжай көрсетілген. Хабарлама арналарын өтініш бетінде өзгертуге болады.",
        Lang::Ru => "Это сообщение отправил kezek: в заявлении этот адрес указан для уведомлений. Каналы уведомлений можно изменить на странице заявления.",
        Lang::En => "kezek sent this message because the application gives this address for notifications. You can change the channels on the application's page.",
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
    let lang = Lang::En;
    match *message {
        Message::Accepted { originals_last_day } => (
            format!("Application {n} accepted"),
            format!("Kezek: application {n} is accepted. Bring the original documents to the education department {}: the application joins the queue once they are confirmed.", by_end_of(originals_last_day, lang)),
        ),
        Message::OriginalsConfirmed => (
            format!("Application {n}: documents confirmed"),
            format!("Kezek: the documents of application {n} are confirmed and the application is in the queue. Follow its place on egov.kz."),
        ),
        Message::WindowOpened { closes_at } => (
            format!("Application {n}: you can take a referral"),
            format!("Kezek: application {n} can take a referral to a kindergarten now. Choose a place {}.", by(closes_at, lang)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("Application {n}: one working day left to take a referral"),
            format!("Kezek: one working day is left for application {n} to take a referral. Choose a place {}.", by(closes_at, lang)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("Application {n}: referral issued"),
            format!("Kezek: a referral is issued for application {n}. Bring it and the documents to the kindergarten {}.", by(valid_until, lang)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("Application {n}: the referral expires soon"),
            format!("Kezek: the referral of application {n} expires soon. Bring it and the documents to the kindergarten {}.", by(valid_until, lang)),
        ),
        Message::ReferralExpired => (
            format!("Application {n}: the referral has expired"),
            format!("Kezek: the referral of application {n} has expired; the seat is no longer held."),
        ),
        Message::ReferralCancelled { reason } => (
            format!("Application {n}: referral cancelled"),
            format!(
                "Kezek: the referral of application {n} is cancelled. Reason: {}.{}",
                match reason {
                    CancelReason::ByApplicant => "at your request",
                    CancelReason::MajorRepair => "the kindergarten withdrew the seat for major repair",
                    CancelReason::Quarantine => "the kindergarten withdrew the seat because of quarantine",
                    CancelReason::StateOrderCancelled => "the state order for the seat was cancelled",
                    CancelReason::KindergartenClosed => "the kindergarten is closing",
                    CancelReason::DocumentsMissingOrExpired => "documents for admission were missing or out of date",
                    CancelReason::MedicalContraindications => "medical contraindications",
                },
                if reason.seat_withdrawn() { " The application keeps its place in the queue." } else { "" }
            ),
        ),
        Message::Admitted => (
            format!("Application {n}: admitted to the kindergarten"),
            format!("Kezek: the child of application {n} is admitted to the kindergarten; the application moves to the archive."),
        ),
        Message::StopListed { reason } => (
            format!("Application {n}: on the stop-list"),
            format!("Kezek: application {n} is on the stop-list: referrals are suspended. {}", stop_reason(reason, lang)),
        ),
        Message::PriorityChanged { class } => (
            format!("Application {n}: queue right changed"),
            format!(
                "Kezek: the queue right of application {n} changed to: {}. Its place in the queue is recalculated.",
                match class {
                    Class::Extraordinary => "out of turn",
                    Class::Priority => "priority",
                    Class::General => "general",
                }
            ),
        ),
        Message::Archived { reason } => (
            format!("Application {n}: moved to the archive"),
            format!(
                "Kezek: application {n} is moved to the archive and leaves the queue. {}",
                match reason {
                    ArchiveReason::AgedOut => "The child has reached the age limit of the queue.",
                    ArchiveReason::Withdrawn => "The application was withdrawn.",
                    ArchiveReason::Other => "Ask the education department for the reason.",
                }
            ),
        ),
    }
}

fn russian(message: &Message, n: &str) -> (String, String) {
    let lang = Lang::Ru;
    match *message {
        Message::Accepted { originals_last_day } => (
            format!("Заявление {n} принято"),
            format!("Кезек: заявление {n} принято. Принесите оригиналы документов в отдел образования {}: после их подтверждения заявление встанет в очередь.", by_end_of(originals_last_day, lang)),
        ),
        Message::OriginalsConfirmed => (
            format!("Заявление {n}: документы подтверждены"),
            format!("Кезек: документы по заявлению {n} подтверждены, заявление в очереди. Следите за местом на egov.kz."),
        ),
        Message::WindowOpened { closes_at } => (
            format!("Заявление {n}: можно получить направление"),
            format!("Кезек: по заявлению {n} можно получить направление в детский сад. Выберите место {}.", by(closes_at, lang)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("Заявление {n}: остался один рабочий день, чтобы получить направление"),
            format!("Кезек: чтобы получить направление по заявлению {n}, остался один рабочий день. Выберите место {}.", by(closes_at, lang)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("Заявление {n}: направление выдано"),
            format!("Кезек: по заявлению {n} выдано направление. Принесите его и документы в детский сад {}.", by(valid_until, lang)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("Заявление {n}: срок направления истекает"),
            format!("Кезек: срок направления по заявлению {n} скоро истекает. Принесите направление и документы в детский сад {}.", by(valid_until, lang)),
        ),
        Message::ReferralExpired => (
            format!("Заявление {n}: срок направления истёк"),
            format!("Кезек: срок направления по заявлению {n} истёк; место больше не закреплено."),
        ),
        Message::ReferralCancelled { reason } => (
            format!("Заявление {n}: направление отменено"),
            format!(
                "Кезек: направление по заявлению {n} отменено. Причина: {}.{}",
                match reason {
                    CancelReason::ByApplicant => "по вашему заявлению",
                    CancelReason::MajorRepair => "детский сад отозвал место на время капитального ремонта",
                    CancelReason::Quarantine => "детский сад отозвал место из-за карантина",
                    CancelReason::StateOrderCancelled => "государственный заказ на место отменён",
                    CancelReason::KindergartenClosed => "детский сад закрывается",
                    CancelReason::DocumentsMissingOrExpired => "документы для приёма отсутствовали или просрочены",
                    CancelReason::MedicalContraindications => "медицинские противопоказания",
                },
                if reason.seat_withdrawn() { " Заявление сохраняет место в очереди." } else { "" }
            ),
        ),
        Message::Admitted => (
            format!("Заявление {n}: ребёнок принят в детский сад"),
            format!("Кезек: ребёнок по заявлению {n} принят в детский сад; заявление переходит в архив."),
        ),
        Message::StopListed { reason } => (
            format!("Заявление {n}: в стоп-листе"),
            format!("Кезек: заявление {n} помещено в стоп-лист: выдача направлений приостановлена. {}", stop_reason(reason, lang)),
        ),
        Message::PriorityChanged { class } => (
            format!("Заявление {n}: право в очереди изменено"),
            format!(
                "Кезек: право заявления {n} в очереди изменено на: {}. Место в очереди пересчитано.",
                match class {
                    Class::Extraordinary => "внеочередное",
                    Class::Priority => "первоочередное",
                    Class::General => "общая очередь",
                }
            ),
        ),
        Message::Archived { reason } => (
            format!("Заявление {n}: перенесено в архив"),
            format!(
                "Кезек: заявление {n} перенесено в архив и больше не стоит в очереди. {}",
                match reason {
                    ArchiveReason::AgedOut => "Ребёнок достиг предельного возраста очереди.",
                    ArchiveReason::Withdrawn => "Заявление отозвано.",
                    ArchiveReason::Other => "Причину уточните в отделе образования.",
                }
            ),
        ),
    }
}

fn kazakh(message: &Message, n: &str) -> (String, String) {
    let lang = Lang::Kk;
    match *message {
        Message::Accepted { originals_last_day } => (
            format!("{n} өтініші қабылданды"),
            format!("Кезек: {n} өтініші қабылданды. Құжаттардың түпнұсқаларын білім беру бөліміне {} әкеліңіз: олар расталғаннан кейін өтініш кезекке тұрады.", by_end_of(originals_last_day, lang)),
        ),
        Message::OriginalsConfirmed => (
            format!("{n} өтініші: құжаттар расталды"),
            format!("Кезек: {n} өтінішінің құжаттары расталды, өтініш кезекте тұр. Орныңызды egov.kz сайтында бақылаңыз."),
        ),
        Message::WindowOpened { closes_at } => (
            format!("{n} өтініші: жолдама алуға болады"),
            format!("Кезек: {n} өтініші бойынша балабақшаға жолдама алуға болады. Орынды {} таңдаңыз.", by(closes_at, lang)),
        ),
        Message::WindowClosing { closes_at } => (
            format!("{n} өтініші: жолдама алуға бір жұмыс күні қалды"),
            format!("Кезек: {n} өтініші бойынша жолдама алуға бір жұмыс күні қалды. Орынды {} таңдаңыз.", by(closes_at, lang)),
        ),
        Message::ReferralIssued { valid_until } => (
            format!("{n} өтініші: жолдама берілді"),
            format!("Кезек: {n} өтініші бойынша жолдама берілді. Жолдаманы және құжаттарды балабақшаға {} әкеліңіз.", by(valid_until, lang)),
        ),
        Message::ReferralExpiring { valid_until } => (
            format!("{n} өтініші: жолдаманың мерзімі аяқталуда"),
            format!("Кезек: {n} өтініші бойынша жолдаманың мерзімі жақында аяқталады. Жолдаманы және құжаттарды балабақшаға {} әкеліңіз.", by(valid_until, lang)),
        ),
        Message::ReferralExpired => (
            format!("{n} өтініші: жолдаманың мерзімі өтті"),
            format!("Кезек: {n} өтініші бойынша жолдаманың мерзімі өтті; орын енді сақталмайды."),
        ),
        Message::ReferralCancelled { reason } => (
            format!("{n} өтініші: жолдаманың күші жойылды"),
            format!(
                "Кезек: {n} өтініші бойынша жолдаманың күші жойылды. Себебі: {}.{}",
                match reason {
                    CancelReason::ByApplicant => "сіздің өтінішіңіз бойынша",
                    CancelReason::MajorRepair => "балабақша күрделі жөндеуге байланысты орынды қайтарып алды",
                    CancelReason::Quarantine => "балабақша карантинге байланысты орынды қайтарып алды",
                    CancelReason::StateOrderCancelled => "орынға мемлекеттік тапсырыстың күші жойылды",
                    CancelReason::KindergartenClosed => "балабақша жабылады",
                    CancelReason::DocumentsMissingOrExpired => "қабылдауға қажетті құжаттар болмады немесе мерзімі өтіп кеткен",
                    CancelReason::MedicalContraindications => "медициналық қарсы көрсетілімдер",
                },
                if reason.seat_withdrawn() { " Өтініш кезектегі орнын сақтайды." } else { "" }
            ),
        ),
        Message::Admitted => (
            format!("{n} өтініші: бала балабақшаға қабылданды"),
            format!("Кезек: {n} өтініші бойынша бала балабақшаға қабылданды; өтініш мұрағатқа көшіріледі."),
        ),
        Message::StopListed { reason } => (
            format!("{n} өтініші: стоп-параққа енгізілді"),
            format!("Кезек: {n} өтініші стоп-параққа енгізілді: жолдама беру тоқтатылды. {}", stop_reason(reason, lang)),
        ),
        Message::PriorityChanged { class } => (
            format!("{n} өтініші: кезектегі құқығы өзгерді"),
            format!(
                "Кезек: {n} өтінішінің кезектегі құқығы өзгерді: {}. Кезектегі орны қайта есептеледі.",
                match class {
                    Class::Extraordinary => "кезектен тыс",
                    Class::Priority => "бірінші кезекте",
                    Class::General => "жалпы кезек",
                }
            ),
        ),
        Message::Archived { reason } => (
            format!("{n} өтініші: мұрағатқа көшірілді"),
            format!(
                "Кезек: {n} өтініші мұрағатқа көшірілді және енді кезекте тұрмайды. {}",
                match reason {
                    ArchiveReason::AgedOut => "Бала кезектің жас шегіне жетті.",
                    ArchiveReason::Withdrawn => "Өтініш кері қайтарылды.",
                    ArchiveReason::Other => "Себебін білім беру бөлімінен біліңіз.",
                }
            ),
        ),
    }
}

/// The stop-list reason, as the tracker words it (the core's catalog).
fn stop_reason(reason: StopReason, lang: Lang) -> String {
    kezek::i18n::text(lang, &format!("status.stop.{}", reason.code()))
}

/// "by the end of 27.11.2026", for a last day.
fn by_end_of(day: NaiveDate, lang: Lang) -> String {
    let date = day.format("%d.%m.%Y");
    match lang {
        Lang::En => format!("by the end of {date}"),
        Lang::Ru => format!("до конца дня {date}"),
        Lang::Kk => format!("{date} күнінің соңына дейін"),
    }
}

/// "by the end of 25.11.2026" for a deadline at local midnight, else "by 25.11.2026 18:00".
fn by(deadline: DateTime<Utc>, lang: Lang) -> String {
    let local = zone::to_local(deadline);
    if local.hour() == 0 && local.minute() == 0 {
        return by_end_of(local.date_naive() - Duration::days(1), lang);
    }
    let when = local.format("%d.%m.%Y %H:%M");
    match lang {
        Lang::En => format!("by {when}"),
        Lang::Ru => format!("до {when}"),
        Lang::Kk => format!("{when} дейін"),
    }
}

/// One of each message, for tests and previews.
pub fn every_message(at: DateTime<Utc>) -> Vec<Message> {
    let day = zone::to_local(at).date_naive();
    let mut all = vec![
        Message::Accepted { originals_last_day: day },
        Message::OriginalsConfirmed,
        Message::WindowOpened { closes_at: at },
        Message::WindowClosing { closes_at: at },
        Message::ReferralIssued { valid_until: at },
        Message::ReferralExpiring { valid_until: at },
        Message::ReferralExpired,
        Message::Admitted,
    ];
    for reason in [
        CancelReason::ByApplicant,
        CancelReason::MajorRepair,
        CancelReason::Quarantine,
        CancelReason::StateOrderCancelled,
        CancelReason::KindergartenClosed,
        CancelReason::DocumentsMissingOrExpired,
        CancelReason::MedicalContraindications,
    ] {
        all.push(Message::ReferralCancelled { reason });
    }
    for reason in [StopReason::UnreliableData, StopReason::ReferralNotUsed, StopReason::Other] {
        all.push(Message::StopListed { reason });
    }
    for class in Class::ALL {
        all.push(Message::PriorityChanged { class });
    }
    for reason in [ArchiveReason::AgedOut, ArchiveReason::Withdrawn, ArchiveReason::Other] {
        all.push(Message::Archived { reason });
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
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
                assert!(r.text.len() < 400, "{} {} is short enough for a few SMS parts", message.kind(), lang.code());
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
    fn a_deadline_at_local_midnight_reads_as_the_end_of_the_day_before() {
        // 19:00 UTC on 25 Nov 2026 is 00:00 on 26 Nov in Kazakhstan (UTC+5).
        let m = Message::WindowOpened { closes_at: instant("2026-11-25T19:00:00Z") };
        assert!(render(&m, number(), Lang::En).text.contains("by the end of 25.11.2026"));
        assert!(render(&m, number(), Lang::Ru).text.contains("до конца дня 25.11.2026"));
        assert!(render(&m, number(), Lang::Kk).text.contains("25.11.2026 күнінің соңына дейін"));
        let m = Message::ReferralIssued { valid_until: instant("2026-11-25T13:00:00Z") };
        assert!(render(&m, number(), Lang::En).text.contains("by 25.11.2026 18:00"));
    }

    #[test]
    fn a_cancelled_referral_says_why_and_a_withdrawn_seat_keeps_the_place() {
        let quarantine = render(&Message::ReferralCancelled { reason: CancelReason::Quarantine }, number(), Lang::En).text;
        assert!(quarantine.contains("quarantine") && quarantine.contains("keeps its place"), "{quarantine}");
        let own = render(&Message::ReferralCancelled { reason: CancelReason::ByApplicant }, number(), Lang::En).text;
        assert!(own.contains("at your request") && !own.contains("keeps its place"), "{own}");
    }

    #[test]
    fn kinds_are_distinct_codes() {
        let mut kinds: Vec<&str> = every_message(instant("2026-11-25T19:00:00Z")).iter().map(Message::kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 12);
    }
}
