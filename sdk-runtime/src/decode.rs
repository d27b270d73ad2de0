//! JSON bodies decoded with the path of the field that failed.
//!
//! serde_json alone says where in the text a value went wrong ("at line 1
//! column 3419"), which on a one-line body of a list means counting
//! characters. Tracking the path while decoding says which field it was
//! (`data[3].amount: invalid type: string "12", expected i64`), which is
//! what someone reading a log needs to file a bug against the API.

use serde::de::DeserializeOwned;

/// Decodes `body` as `T`; the error names the JSON path of the field that
/// failed (no path when the body itself is not JSON or not the expected
/// kind at the top), then serde_json's description and position.
pub(crate) fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path == "?" {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        }
    })?;
    // What `serde_json::from_slice` checks too: nothing after the value.
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Item {
        id: u32,
        amount: i64,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Page {
        data: Vec<Item>,
        meta: std::collections::BTreeMap<String, Item>,
    }

    #[test]
    fn errors_name_the_path_of_the_failing_field() {
        let body = br#"{"data":[{"id":1,"amount":5},{"id":2,"amount":"12"}],"meta":{}}"#;
        let err = json::<Page>(body).unwrap_err();
        assert_eq!(
            err,
            r#"data[1].amount: invalid type: string "12", expected i64 at line 1 column 50"#
        );
        let body = br#"{"data":[],"meta":{"first":{"id":-1,"amount":0}}}"#;
        let err = json::<Page>(body).unwrap_err();
        assert!(
            err.starts_with("meta.first.id: invalid value: integer `-1`"),
            "{err}"
        );
        let err = json::<Page>(br#"{"data":[{"id":1}],"meta":{}}"#).unwrap_err();
        assert!(err.starts_with("data[0]: missing field `amount`"), "{err}");
    }

    #[test]
    fn top_level_errors_have_no_path_and_good_bodies_decode() {
        assert_eq!(
            json::<Item>(b"true").unwrap_err(),
            "invalid type: boolean `true`, expected struct Item at line 1 column 4"
        );
        assert!(json::<Item>(b"<html>")
            .unwrap_err()
            .starts_with("expected value"));
        assert!(json::<Item>(br#"{"id":1,"amount":2} x"#)
            .unwrap_err()
            .starts_with("trailing characters"));
        assert_eq!(
            json::<Item>(br#" {"id":1,"amount":2,"extra":[]} "#),
            Ok(Item { id: 1, amount: 2 })
        );
    }
}
