//! Outgoing mail (invitations) through the hospital's SMTP relay, when one is configured.

/// Where mail goes out: the hospital's SMTP relay, the sender, and the address users reach
/// mamori at (for links in mail). Without a relay or an address, nothing is sent and the
/// inviter is shown the link to pass on.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The relay: `smtp://host:port` (plain, a relay inside the hospital's network),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host:465` (TLS),
    /// certificates checked against the system's trust store.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub public_url: Option<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            mail_from: "mamori@localhost".into(),
            public_url: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP is not configured")]
    NotConfigured,
    #[error("bad SMTP URL: {0}")]
    BadUrl(String),
    #[error("bad address: {0}")]
    Address(String),
    #[error("SMTP: {0}")]
    Smtp(String),
}

/// `smtp://host[:port]` → (host, port); the port defaults to 25.
fn relay(url: &str) -> Result<(String, u16), MailError> {
    let rest = url
        .strip_prefix("smtp://")
        .or_else(|| url.strip_prefix("smtps://"))
        .ok_or_else(|| MailError::BadUrl(url.into()))?;
    let rest = rest.split(['?', '/']).next().unwrap_or("");
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    match rest.rsplit_once(':') {
        Some((h, p)) => Ok((
            h.to_string(),
            p.parse().map_err(|_| MailError::BadUrl(url.into()))?,
        )),
        None => Ok((rest.to_string(), 25)),
    }
}

/// Send a plain-text message.
pub async fn send(cfg: &MailConfig, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let url = cfg.smtp_url.as_deref().ok_or(MailError::NotConfigured)?;
    let (host, port) = relay(url)?;
    let msg = Message::builder()
        .from(
            cfg.mail_from
                .parse()
                .map_err(|e| MailError::Address(format!("{e}")))?,
        )
        .to(to.parse().map_err(|e| MailError::Address(format!("{e}")))?)
        .subject(subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| MailError::Smtp(e.to_string()))?;
    let timeout = Some(std::time::Duration::from_secs(10));
    let transport = if url.starts_with("smtps://") || url.contains("tls=") {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::BadUrl(e.to_string()))?
            .timeout(timeout)
            .build()
    } else {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(timeout)
            .build()
    };
    transport
        .send(msg)
        .await
        .map_err(|e| MailError::Smtp(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn relay_urls() {
        assert_eq!(
            super::relay("smtp://relay.local").unwrap(),
            ("relay.local".into(), 25)
        );
        assert_eq!(
            super::relay("smtp://127.0.0.1:2525/").unwrap(),
            ("127.0.0.1".into(), 2525)
        );
        assert!(super::relay("http://x").is_err());
    }
}
