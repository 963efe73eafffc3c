//! E-mail over SMTP with `lettre`: plain SMTP to a loopback server (the local one of demo mode
//! and tests), STARTTLS or implicit TLS (rustls) to any other.

use super::config::{SmtpConfig, TlsMode};
use super::sender::{Delivery, SendError, Transport, TransportFuture};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// An SMTP transport for notifications.
pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of Message-IDs: the sender address's domain.
    domain: String,
}

/// Any SMTP conversation gives up after this (well inside the sender's lease).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl SmtpTransport {
    pub fn new(config: &SmtpConfig) -> Result<SmtpTransport, String> {
        let builder = match config.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone()),
            TlsMode::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host).map_err(|e| format!("SMTP {}: {e}", config.host))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(|e| format!("SMTP {}: {e}", config.host))?,
        };
        let mut builder = builder.port(config.port).timeout(Some(SMTP_TIMEOUT));
        if let (Some(user), Some(password)) = (&config.user, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from: Mailbox = config.from.parse().map_err(|e| format!("mail from {}: {e}", config.from))?;
        let domain = from.email.domain().to_string();
        Ok(SmtpTransport { mailer: builder.build(), from, domain })
    }

    /// The Message-ID of the message with this idempotency key.
    pub fn message_id(&self, idempotency_key: &str) -> String {
        format!("<{idempotency_key}@{}>", self.domain)
    }
}

impl Transport for SmtpTransport {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> TransportFuture<'a> {
        Box::pin(async move {
            let to: Mailbox = delivery.recipient.parse().map_err(|e| SendError::Permanent(format!("recipient: {e}")))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(delivery.subject.clone())
                .message_id(Some(self.message_id(&delivery.idempotency_key)))
                .header(ContentType::TEXT_PLAIN)
                .body(delivery.body.clone())
                .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
            match self.mailer.send(message).await {
                Ok(_) => Ok(()),
                Err(error) if error.is_permanent() => Err(SendError::Permanent(error.to_string())),
                Err(error) => Err(SendError::Transient(error.to_string())),
            }
        })
    }
}
