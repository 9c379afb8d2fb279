//! The comma lists of request headers, read as HTTP means them: the weight
//! a list such as `Accept` or `Accept-Encoding` gives a token, and whether
//! `If-None-Match` names an entity tag. Shared by the app's files and the
//! lists down.

/// The weight (`q=`, 1 if none) that the list `value` gives `token`, named
/// case-insensitively; none if it is not named or its weight does not read.
/// `*` is a token like any other: a caller that takes it asks for it.
pub fn weight(value: &[u8], token: &str) -> Option<f32> {
    let value = String::from_utf8_lossy(value);
    let mut named = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        if parts
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case(token)
        {
            named = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
        }
    }
    named
}

/// Whether the `If-None-Match` list `tags` names `etag` (or is `*`): tags
/// compare by their value, weak or strong, as the header's weak comparison
/// does.
pub fn none_match(tags: &[u8], etag: &str) -> bool {
    let etag = etag.trim_start_matches("W/");
    String::from_utf8_lossy(tags)
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_has_the_weight_its_list_gives_it() {
        assert_eq!(weight(b"gzip, br;q=0.5", "br"), Some(0.5));
        assert_eq!(weight(b"GZIP ; q=1.0", "gzip"), Some(1.0));
        assert_eq!(weight(b"gzip", "br"), None);
        assert_eq!(weight(b"gzip;q=nonsense", "gzip"), None);
        assert_eq!(weight(b"*;q=0.1", "*"), Some(0.1));
        let media = "application/vnd.jianzheng.lists+postcard";
        assert_eq!(
            weight(
                b"text/html, application/vnd.jianzheng.lists+postcard;q=0.9",
                media
            ),
            Some(0.9)
        );
        assert_eq!(
            weight(b"application/vnd.jianzheng.lists+postcard;q=0", media),
            Some(0.0)
        );
        assert_eq!(weight(b"*/*", media), None);
        assert_eq!(weight(b"", media), None);
    }

    #[test]
    fn if_none_match_compares_each_tag_weakly() {
        assert!(none_match(br#""ab""#, r#""ab""#));
        assert!(none_match(br#""x", W/"ab""#, r#""ab""#));
        assert!(none_match(b"*", r#""ab""#));
        assert!(!none_match(br#""abc""#, r#""ab""#));
        // A weak tag of ours matches itself, weak or strong.
        assert!(none_match(br#"W/"ab""#, r#"W/"ab""#));
        assert!(none_match(br#""ab""#, r#"W/"ab""#));
        assert!(!none_match(br#"W/"abc""#, r#"W/"ab""#));
    }
}
