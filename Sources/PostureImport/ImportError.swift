import PostureModel

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
    /// writes this to a terminal, so it goes through the one sanitizer. The fields keep the raw text.
    public var description: String { TerminalText.sanitize("\(file): \(path): \(message)") }
}
