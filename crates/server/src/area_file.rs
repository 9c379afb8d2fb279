//! Area files (`code,name,parent_code[,level]`, UTF-8 CSV, an optional
//! header row), as a county's statistics office hands them out, read into
//! core's rows ([`jianzheng_core::org::import`] checks them).

use jianzheng_core::org::AreaRow;

/// The largest area file read: a province's villages fit.
pub const MAX_AREA_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Why a file cannot be read as rows.
#[derive(Debug, thiserror::Error)]
pub enum AreaFileError {
    /// Larger than [`MAX_AREA_FILE_BYTES`].
    #[error("the file is larger than {} MB", MAX_AREA_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    /// Not CSV, or a row with too few columns.
    #[error("line {line}: {why}")]
    Row {
        /// The line.
        line: usize,
        /// What is wrong.
        why: String,
    },
}

/// The rows of an area file.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<AreaRow>, AreaFileError> {
    if bytes.len() > MAX_AREA_FILE_BYTES {
        return Err(AreaFileError::TooLarge);
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = record.map_err(|e| AreaFileError::Row {
            line,
            why: e.to_string(),
        })?;
        if line == 1
            && record
                .get(0)
                .is_some_and(|c| c.eq_ignore_ascii_case("code"))
        {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() < 3 {
            return Err(AreaFileError::Row {
                line,
                why: "expected code,name,parent_code[,level]".into(),
            });
        }
        rows.push(AreaRow {
            line,
            code: record[0].to_owned(),
            name: record[1].to_owned(),
            parent: record[2].to_owned(),
            level: record.get(3).map(str::to_owned),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_a_header_a_bom_and_an_optional_level_reads_as_rows() {
        let text = "\u{feff}code,name,parent_code,level\n140105000000,小店区,,\n140105001000, 新镇 ,140105000000,town\n\n";
        let rows = read_rows(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].name, "新镇");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[0].level.as_deref(), Some(""));
        let err = read_rows(b"X1,only two").unwrap_err();
        assert!(err.to_string().starts_with("line 1"), "{err}");
    }
}
