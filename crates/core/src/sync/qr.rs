//! A payload as QR codes: base45 text (the QR alphanumeric alphabet), cut
//! into numbered pieces when one code is not enough. Each piece starts with
//! `JZ1:<index>:<count>:` so they can be scanned in any order.

/// The header every piece starts with.
pub const QR_PREFIX: &str = "JZ1:";

/// Why scanned pieces do not make a payload.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// A piece is not one of ours.
    #[error("not a Jianzheng code: {0}")]
    Foreign(String),
    /// Pieces of different payloads were mixed.
    #[error("codes of different bundles were mixed")]
    Mixed,
    /// Some pieces are missing.
    #[error("codes missing: {0:?}")]
    Missing(Vec<usize>),
    /// The text is not base45.
    #[error("the codes do not decode: {0}")]
    BadText(String),
}

/// Cuts `bytes` into base45 pieces of at most `max_chars` characters each,
/// header included.
pub fn split_for_qr(bytes: &[u8], max_chars: usize) -> Vec<String> {
    let text = base45::encode(bytes);
    // The header of the last piece is the longest: reserve room for it.
    let header_room = QR_PREFIX.len() + 2 * 4 + 2;
    let room = max_chars.saturating_sub(header_room).max(1);
    let chunks: Vec<&str> = if text.is_empty() {
        vec![""]
    } else {
        text.as_bytes()
            .chunks(room)
            .map(|c| std::str::from_utf8(c).expect("base45 is ASCII"))
            .collect()
    };
    let count = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{QR_PREFIX}{}:{count}:{c}", i + 1))
        .collect()
}

/// Puts scanned pieces (any order, repeats allowed) back into the bytes.
pub fn join_qr_chunks(pieces: &[String]) -> Result<Vec<u8>, QrError> {
    let mut count = None;
    let mut parts: Vec<Option<&str>> = Vec::new();
    for piece in pieces {
        let rest = piece
            .strip_prefix(QR_PREFIX)
            .ok_or_else(|| QrError::Foreign(piece.chars().take(20).collect()))?;
        let mut fields = rest.splitn(3, ':');
        let (Some(index), Some(total), Some(body)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(QrError::Foreign(piece.chars().take(20).collect()));
        };
        let (Ok(index), Ok(total)) = (index.parse::<usize>(), total.parse::<usize>()) else {
            return Err(QrError::Foreign(piece.chars().take(20).collect()));
        };
        if total == 0 || index == 0 || index > total || total > 1000 {
            return Err(QrError::Foreign(piece.chars().take(20).collect()));
        }
        match count {
            None => {
                count = Some(total);
                parts = vec![None; total];
            }
            Some(c) if c != total => return Err(QrError::Mixed),
            Some(_) => {}
        }
        match parts[index - 1] {
            Some(seen) if seen != body => return Err(QrError::Mixed),
            _ => parts[index - 1] = Some(body),
        }
    }
    let missing: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| i + 1)
        .collect();
    if count.is_none() || !missing.is_empty() {
        return Err(QrError::Missing(missing));
    }
    let text: String = parts.into_iter().flatten().collect();
    base45::decode(&text).map_err(|e| QrError::BadText(format!("{e:?}")))
}
