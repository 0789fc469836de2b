import PostureViews

/// Writes Screens to curses, sending only cells that differ from the last Screen written
/// (ratatui's double buffer). Curses diffs its own virtual screen against the terminal
/// too; this layer keeps the per-frame work proportional to what changed.
struct Blitter {
    var filter: GlyphFilter
    /// The last frame written, normalised to the terminal size; nil forces a full write.
    private(set) var previous: Screen?

    init(filter: GlyphFilter) { self.filter = filter }

    /// The next blit writes every cell (after a resize, Ctrl-L or a size change).
    mutating func invalidate() { previous = nil }

    /// Draws `screen` and flushes. Returns how many cells were sent to curses.
    @discardableResult
    mutating func blit(_ screen: Screen, to session: CursesSession) -> Int {
        let frame = Blitter.normalized(screen, width: session.columns, height: session.rows)
        let old = previous.flatMap { $0.width == frame.width && $0.height == frame.height ? $0 : nil }
        if old == nil && previous != nil { session.erase() }
        var written = 0
        for y in 0..<frame.height {
            var x = 0
            while x < frame.width {
                let cell = frame[x, y]
                if cell.width == 0 { x += 1; continue }
                let span = cell.width >= 2 ? 2 : 1
                if let old, Blitter.sameSpan(old, frame, x: x, y: y, span: span) { x += span; continue }
                var column = x
                for glyph in filter.glyphs(for: cell) {
                    if !session.put(glyph.text, x: column, y: y, role: cell.role, bold: cell.bold) {
                        session.put("?", x: column, y: y, role: cell.role, bold: cell.bold)
                        if glyph.columns == 2 { session.put("?", x: column + 1, y: y, role: cell.role, bold: cell.bold) }
                    }
                    column += glyph.columns
                }
                written += 1
                x += span
            }
        }
        session.flush()
        previous = frame
        return written
    }

    private static func sameSpan(_ a: Screen, _ b: Screen, x: Int, y: Int, span: Int) -> Bool {
        for i in x..<min(x + span, b.width) where a[i, y] != b[i, y] { return false }
        return true
    }

    /// Fits a Screen to the terminal and repairs broken wide pairs, so every cell the
    /// blitter writes lands in its own column: a wide cell without its continuation (or at
    /// the right edge) becomes `?`, a continuation without its wide cell becomes a blank.
    static func normalized(_ screen: Screen, width: Int, height: Int) -> Screen {
        var out = Screen(width: width, height: height)
        for y in 0..<min(height, screen.height) {
            var x = 0
            let limit = min(width, screen.width)
            while x < limit {
                var cell = screen[x, y]
                if cell.width == 0 {
                    cell = Cell(text: " ", width: 1, role: cell.role, bold: cell.bold)
                } else if cell.width >= 2 {
                    if x + 1 < limit, screen[x + 1, y].width == 0 {
                        out[x, y] = Cell(text: cell.text, width: 2, role: cell.role, bold: cell.bold)
                        out[x + 1, y] = Cell(text: "", width: 0, role: cell.role, bold: cell.bold)
                        x += 2
                        continue
                    }
                    cell = Cell(text: "?", width: 1, role: cell.role, bold: cell.bold)
                }
                out[x, y] = cell
                x += 1
            }
        }
        return out
    }
}
