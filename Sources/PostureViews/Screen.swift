// The cell buffer every pane draws into. The terminal backend blits it, the text export
// prints it, and the golden tests compare it: one frame, three readers.

/// What a cell means, not what colour it is. The terminal backend maps roles to colour
/// pairs and attributes per theme; monochrome themes map them to bold/reverse/underline.
public enum Role: UInt8, Sendable, Hashable, CaseIterable {
    case normal
    case muted
    case header        // top bar and column headers
    case title         // pane titles
    case border
    case selected      // the selected row
    case accent        // keys in the help, breadcrumbs
    case pass
    case partial
    case fail
    case unknown
    case notApplicable
    case waived
    case critical
    case high
    case medium
    case low
    case barFilled
    case barEmpty
    case stale         // the STALE badge and error banners
    case info          // neutral badges (viewing past snapshot, read-only)
    case statusLine
    case prompt        // the `:` and `/` input line
    case changed       // values that changed on the last refresh
}

public struct Cell: Sendable, Hashable {
    /// One grapheme cluster, already sanitized; `""` for the trailing column of a wide grapheme.
    public var text: String
    /// Display columns of `text` (1 or 2; 0 for a continuation cell).
    public var width: UInt8
    public var role: Role
    public var bold: Bool

    public init(text: String = " ", width: UInt8 = 1, role: Role = .normal, bold: Bool = false) {
        self.text = text; self.width = width; self.role = role; self.bold = bold
    }
    public static let blank = Cell()
}

public struct Screen: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Draws `text` at (x, y), clipped to `maxWidth` columns (default: to the right edge).
    /// The text must already be sanitized (see `TerminalText.sanitize`); any control
    /// character that slipped through is still replaced here, so nothing raw reaches a cell.
    /// A wide grapheme that does not fit is replaced by a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role = .normal, bold: Bool = false, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for ch in text {
            if col >= limit { break }
            let g = TerminalText.isSafe(ch) ? String(ch) : TerminalText.placeholder(for: ch)
            let w = TerminalText.displayWidth(g)
            if w == 0 { continue }
            if col < 0 { col += w; continue }
            if col + w > limit {
                // a wide grapheme that would straddle the edge
                self[col, y] = Cell(text: " ", width: 1, role: role, bold: bold)
                col += 1
                break
            }
            clearWide(at: col, y: y)
            self[col, y] = Cell(text: g, width: UInt8(w), role: role, bold: bold)
            if w == 2 {
                clearWide(at: col + 1, y: y)
                self[col + 1, y] = Cell(text: "", width: 0, role: role, bold: bold)
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Fills a rectangle with blanks of a role.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, role: Role = .normal) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { self[xx, yy] = Cell(text: " ", width: 1, role: role) } }
    }

    /// Sets the role of existing cells (used for the selection bar).
    public mutating func setRole(_ role: Role, x: Int, y: Int, width w: Int) {
        guard y >= 0, y < height else { return }
        for xx in max(0, x)..<min(width, x + w) { self[xx, y].role = role }
    }

    /// Overwriting half of a wide grapheme leaves its other half orphaned; blank it.
    private mutating func clearWide(at x: Int, y: Int) {
        guard x >= 0, x < width else { return }
        let c = self[x, y]
        if c.width == 2, x + 1 < width { self[x + 1, y] = .blank }
        if c.width == 0, x > 0 { self[x - 1, y] = .blank }
    }

    /// The screen as plain text lines, trailing spaces trimmed (what export and goldens use).
    public func textLines() -> [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The screen as one plain-text string, one line per row, ending in a newline.
    public func plainText() -> String { textLines().joined(separator: "\n") + "\n" }
}
