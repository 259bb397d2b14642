//! Reference solutions for chapter 2: a TCP client, raw HTTP GET.

// ANCHOR: build_request
pub fn build_request(host: &str, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
        .into_bytes()
}
// ANCHOR_END: build_request

// ANCHOR: find_header_end
pub fn find_header_end(buf: &[u8], searched: usize) -> Option<usize> {
    // Step back three bytes: "\r\n\r" may have ended the old part.
    let start = searched.saturating_sub(3);
    let rest = buf.get(start..)?;
    let at = rest.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some(start + at + 4)
}
// ANCHOR_END: find_header_end

// ANCHOR: parse_status_line
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub minor_version: u8,
    pub code: u16,
    pub reason: String,
}

pub fn parse_status_line(line: &str) -> Option<StatusLine> {
    let minor_version = match line.get(..8)? {
        "HTTP/1.0" => 0,
        "HTTP/1.1" => 1,
        _ => return None,
    };
    let rest = line[8..].strip_prefix(' ')?;
    let code = rest.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let reason = match &rest[3..] {
        "" => "",
        after => after.strip_prefix(' ')?,
    };
    if reason.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    Some(StatusLine {
        minor_version,
        code: code.parse().ok()?,
        reason: reason.to_string(),
    })
}
// ANCHOR_END: parse_status_line

// ANCHOR: parse_content_length
pub fn parse_content_length(value: &str) -> Option<u64> {
    // `u64::from_str` alone would accept "+42"; check the digits first.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}
// ANCHOR_END: parse_content_length

// ANCHOR: chunked_decoder
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    SizeLine,
    Data(u64),
    DataCr,
    DataLf,
    Trailer,
    Done,
}

pub struct ChunkedDecoder {
    part: Part,
    line: Vec<u8>,
}

impl ChunkedDecoder {
    pub fn new() -> Self {
        ChunkedDecoder {
            part: Part::SizeLine,
            line: Vec::new(),
        }
    }

    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<bool, String> {
        let mut rest = input;
        while let Some((&byte, after)) = rest.split_first() {
            match self.part {
                Part::Done => break,
                Part::Data(left) => {
                    // Copy as much of this chunk as the input holds.
                    let n = rest
                        .len()
                        .min(usize::try_from(left).unwrap_or(usize::MAX));
                    out.extend_from_slice(&rest[..n]);
                    rest = &rest[n..];
                    let left = left - n as u64;
                    self.part = if left == 0 {
                        Part::DataCr
                    } else {
                        Part::Data(left)
                    };
                    continue;
                }
                Part::DataCr if byte == b'\r' => self.part = Part::DataLf,
                Part::DataLf if byte == b'\n' => self.part = Part::SizeLine,
                Part::DataCr | Part::DataLf => {
                    return Err("chunk data is not followed by \\r\\n".into());
                }
                Part::SizeLine | Part::Trailer => {
                    self.line.push(byte);
                    if byte == b'\n' {
                        let line = std::mem::take(&mut self.line);
                        self.part = self.end_of_line(&line)?;
                    }
                }
            }
            rest = after;
        }
        Ok(self.part == Part::Done)
    }

    fn end_of_line(&self, line: &[u8]) -> Result<Part, String> {
        let text = line
            .strip_suffix(b"\r\n")
            .ok_or("a line does not end with \\r\\n")?;
        if self.part == Part::Trailer {
            return Ok(if text.is_empty() {
                Part::Done
            } else {
                Part::Trailer
            });
        }
        let digits = text.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let after = &text[digits..];
        if digits == 0
            || digits > 16
            || !(after.is_empty() || after.starts_with(b";"))
        {
            return Err(format!(
                "bad chunk size line {:?}",
                String::from_utf8_lossy(line)
            ));
        }
        let hex =
            std::str::from_utf8(&text[..digits]).map_err(|e| e.to_string())?;
        let size = u64::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
        Ok(if size == 0 {
            Part::Trailer
        } else {
            Part::Data(size)
        })
    }
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        Self::new()
    }
}
// ANCHOR_END: chunked_decoder
