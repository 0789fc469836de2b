/// An input the importer refused. Always names the file and the place inside it.
public struct ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (bundle-relative where possible, e.g. `cluster-a/kubernetes.json`).
    public var file: String
    /// JSON path of the offending value, e.g. `$.items[12].metadata.name`, or `$` for the document;
    /// for syntax errors, also the byte offset (`byte 4096`).
    public var path: String
    public var message: String
    /// For syntax errors: the byte offset in the file (the message starts with `at byte N:` too).
    public var byteOffset: Int?
    public init(file: String, path: String, message: String, byteOffset: Int? = nil) {
        self.file = file; self.path = path; self.message = message; self.byteOffset = byteOffset
    }
    /// What an operator sees. Messages quote input (a hostile `collected.json` state, a JSON key
    /// in the path), and every printer (the CLI's `import failed:` line, ArgumentParser's `Error:`)
    /// writes this to a terminal, so unsafe scalars are made visible here the way
    /// `TerminalText.sanitize` does it (PostureImport cannot depend on PostureViews; the
    /// reliability tests check both agree). The fields keep the raw text.
    public var description: String { ImportError.visible("\(file): \(path): \(message)") }

    static func visible(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + u.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80...0x9F, 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B...0x200F,
                 0x2028...0x202E, 0x2060...0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9...0xFFFB, 0x1D173...0x1D17A,
                 0xE0000...0xE007F, 0xFFFE, 0xFFFF:
                out.append("\u{FFFD}")
            default: out.append(u)
            }
        }
        return String(out)
    }
}
