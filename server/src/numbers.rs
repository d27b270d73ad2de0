//! Small text for headers without the formatting machinery: these run on
//! every request, where an allocation or a `fmt` call is a visible share of
//! the layers' cost.

use http::HeaderValue;

/// `0` to `999` written out, three digits each: `000001002...999`.
const TRIPLES: [u8; 3000] = {
    let mut out = [0u8; 3000];
    let mut n = 0;
    while n < 1000 {
        out[3 * n] = b'0' + (n / 100) as u8;
        out[3 * n + 1] = b'0' + (n / 10 % 10) as u8;
        out[3 * n + 2] = b'0' + (n % 10) as u8;
        n += 1;
    }
    out
};

const TRIPLES_TEXT: &str = match std::str::from_utf8(&TRIPLES) {
    Ok(text) => text,
    Err(_) => panic!("digits are ASCII"),
};

/// `n` as a header value; below 1000 (a `Retry-After`, a reset, most
/// remaining budgets) it points into a static table and allocates nothing.
pub(crate) fn decimal_value(n: u64) -> HeaderValue {
    if n < 1000 {
        let n = n as usize;
        let skip = if n < 10 {
            2
        } else if n < 100 {
            1
        } else {
            0
        };
        HeaderValue::from_static(&TRIPLES_TEXT[3 * n + skip..3 * n + 3])
    } else {
        HeaderValue::from(n)
    }
}

/// A fixed-capacity byte buffer on the stack, for header values built from
/// a few pieces.
pub(crate) struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

/// The bytes written so far, so a `Buf` can own a `Bytes` block.
impl<const N: usize> AsRef<[u8]> for Buf<N> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<const N: usize> Buf<N> {
    pub(crate) fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends `s`; what does not fit is dropped (callers size `N` for
    /// their longest value).
    pub(crate) fn push(&mut self, s: &[u8]) {
        let n = s.len().min(N - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s[..n]);
        self.len += n;
    }

    /// Appends `n` in decimal.
    pub(crate) fn push_u64(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }

    /// Appends `bytes` as lowercase hex.
    pub(crate) fn push_hex(&mut self, bytes: &[u8]) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let n = bytes.len().min((N - self.len) / 2);
        let out = &mut self.bytes[self.len..self.len + 2 * n];
        for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        self.len += 2 * n;
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The text; the pieces pushed are ASCII, so this never fails in use.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_values_match_the_formatter() {
        for n in [0, 1, 9, 10, 42, 99, 100, 199, 999, 1000, 12345, u64::MAX] {
            assert_eq!(decimal_value(n).to_str().unwrap(), n.to_string(), "{n}");
        }
    }

    #[test]
    fn buffers_write_decimal_and_hex() {
        let mut b = Buf::<64>::new();
        b.push(b"r=");
        b.push_u64(0);
        b.push(b";");
        b.push_u64(u64::MAX);
        b.push(b";");
        b.push_hex(&[0x00, 0x0f, 0xab, 0xff]);
        assert_eq!(b.as_str(), format!("r=0;{};000fabff", u64::MAX));
        let mut small = Buf::<3>::new();
        small.push(b"abcd");
        assert_eq!(small.as_str(), "abc");
    }
}
