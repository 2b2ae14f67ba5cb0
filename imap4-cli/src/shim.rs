// TEMPORARY compile shim; removed when the helpers' branches are merged.
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
