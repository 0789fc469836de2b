/// Walks a captured terminal byte stream and reports anything a terminal could act on
/// other than what curses emits for cursor motion and attributes.
struct EscapeAudit {
    var violations: [String] = []
    var bellCount = 0
    var csiCount = 0

    init(_ bytes: [UInt8]) {
        var i = 0
        func context(_ at: Int) -> String {
            let lo = max(0, at - 12), hi = min(bytes.count, at + 24)
            return bytes[lo..<hi].map { b in (0x20..<0x7f).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16) }.joined()
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x1B:
                guard i + 1 < bytes.count else { violations.append("truncated ESC at end"); i += 1; continue }
                let next = bytes[i + 1]
                switch next {
                case UInt8(ascii: "["):
                    var j = i + 2
                    while j < bytes.count, (0x30...0x3F).contains(bytes[j]) { j += 1 }
                    while j < bytes.count, (0x20...0x2F).contains(bytes[j]) { j += 1 }
                    if j < bytes.count, (0x40...0x7E).contains(bytes[j]) {
                        csiCount += 1
                        i = j + 1
                    } else {
                        violations.append("malformed CSI at \(i): \(context(i))")
                        i += 2
                    }
                case UInt8(ascii: "("), UInt8(ascii: ")"):
                    // charset designation: sgr0 is ESC ( B in xterm's terminfo
                    if i + 2 < bytes.count, (0x30...0x7E).contains(bytes[i + 2]) { i += 3 } else {
                        violations.append("malformed charset designation at \(i): \(context(i))"); i += 2
                    }
                case UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "7"), UInt8(ascii: "8"), UInt8(ascii: "M"):
                    i += 2   // keypad modes, save/restore cursor, reverse index
                default:
                    // OSC (ESC ]), DCS (ESC P), APC, PM, SOS and anything else
                    violations.append("unexpected ESC \(UnicodeScalar(next)) at \(i): \(context(i))")
                    i += 2
                }
            case 0x07:
                bellCount += 1
                i += 1
            case 0x08, 0x09, 0x0A, 0x0D:
                i += 1
            case 0x00...0x1F, 0x7F:
                violations.append("C0 control 0x\(String(b, radix: 16)) at \(i): \(context(i))")
                i += 1
            default:
                i += 1
            }
        }
        // Text must be valid UTF-8 with no C1 controls and no invisible/bidi scalars.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            violations.append("output is not valid UTF-8")
            return
        }
        for u in text.unicodeScalars {
            let v = u.value
            if (0x80...0x9F).contains(v) || (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x061C || v == 0xFEFF {
                violations.append("unsafe scalar U+\(String(v, radix: 16, uppercase: true)) in output")
            }
        }
    }
}
