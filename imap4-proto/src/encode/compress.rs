//! COMPRESS (RFC 4978).

use super::{Command, CommandWriter, EncodeError};

/// `COMPRESS algorithm` (RFC 4978): after the tagged OK both sides compress the stream.
///
/// ```
/// use imap4_proto::encode::{Command, Compress, EncodeOptions};
/// use imap4_proto::Tag;
///
/// let enc = Compress::deflate().encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 COMPRESS DEFLATE\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "compress")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compress {
    algorithm: String,
}

impl Compress {
    /// `COMPRESS DEFLATE` (RFC 1951 raw deflate).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Compress, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Compress::deflate().encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 COMPRESS DEFLATE\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn deflate() -> Compress {
        Compress::new("DEFLATE")
    }

    /// COMPRESS with another algorithm (an atom).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Compress, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Compress::new("X-ZSTD").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 COMPRESS X-ZSTD\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(algorithm: impl Into<String>) -> Compress {
        Compress {
            algorithm: algorithm.into(),
        }
    }
}

impl Command for Compress {
    fn name(&self) -> &'static str {
        "COMPRESS"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.atom("compression algorithm", self.algorithm.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn compress() {
        assert_eq!(s(&Compress::deflate()), "t COMPRESS DEFLATE\r\n");
        assert_eq!(s(&Compress::new("X-ZSTD")), "t COMPRESS X-ZSTD\r\n");
        assert!(matches!(
            err(&Compress::new("A\r\n")),
            EncodeError::InvalidAtom { .. }
        ));
    }
}
