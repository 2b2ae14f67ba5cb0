// TEMPORARY compile shim; removed when the helpers' branches are merged.
pub mod mime {
    pub struct Headers(Vec<(String, String)>);
    impl Headers {
        pub fn parse(_b: &[u8]) -> Headers {
            Headers(vec![])
        }
        pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
            self.0.iter().map(|(a, b)| (a.as_str(), b.as_bytes()))
        }
        pub fn decoded(&self, _n: &str) -> Option<String> {
            None
        }
    }
    pub fn parse_date(_b: &[u8]) -> Option<imap4::proto::date::InternalDate> {
        None
    }
    pub fn html_to_text(s: &str) -> String {
        s.to_string()
    }
}
pub mod source {
    use std::path::{Path, PathBuf};
    pub struct LocalMessage {
        pub bytes: Vec<u8>,
        pub flags: Vec<imap4::proto::Flag>,
        pub date: Option<imap4::proto::date::InternalDate>,
        pub origin: String,
    }
    #[derive(Debug)]
    pub struct Error;
    impl Error {
        pub fn path(&self) -> Option<&Path> {
            None
        }
    }
    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("e")
        }
    }
    pub struct Source(PathBuf);
    impl Source {
        pub fn open(p: &Path) -> Result<Source, Error> {
            Ok(Source(p.into()))
        }
        pub fn with_eml_mtime(self, _y: bool) -> Source {
            self
        }
        pub fn total_bytes(&self) -> u64 {
            0
        }
        pub fn count_hint(&self) -> Option<usize> {
            None
        }
    }
    impl Iterator for Source {
        type Item = Result<LocalMessage, Error>;
        fn next(&mut self) -> Option<Self::Item> {
            None
        }
    }
}
