import Foundation
import PostureModel

/// One column of a list pane.
public struct ListColumn: Sendable, Hashable {
    public var title: String
    public var minWidth: Int
    public var maxWidth: Int
    /// Takes the width left over by the other columns.
    public var flex: Bool
    public var alignRight: Bool
    /// 0: always shown. Higher values are dropped first when the terminal is too narrow.
    public var dropPriority: Int
    public init(_ title: String, min: Int, max: Int, flex: Bool = false, right: Bool = false, drop: Int = 0) {
        self.title = title; self.minWidth = min; self.maxWidth = max; self.flex = flex; self.alignRight = right; self.dropPriority = drop
    }
}

/// What Enter on a row opens.
public enum DrillTarget: Hashable, Sendable {
    case check(String)
    case identity(String)
    /// A detail document for a network or secrets row, by row id.
    case detail(String)
    case snapshot(Int64)
    case cluster(Int64)
}

public struct BodyRow: Sendable {
    /// Stable identity across refreshes: selection follows it, changes are detected by it.
    public let id: String
    /// One span per column (list), or the spans of one line (document).
    public var cells: [Span]
    public var target: DrillTarget?
    /// Bit i set: cell i changed on the last refresh.
    public var changedMask: UInt64 = 0
    public init(id: String, cells: [Span], target: DrillTarget? = nil) {
        self.id = id; self.cells = cells; self.target = target
    }
}

/// The scrollable part of a pane: a table (columns) or a document (styled lines, no columns).
/// Built once per snapshot. The lower-cased haystack of each row is computed here, once, so
/// filtering never re-sanitizes or re-lowercases. All haystacks sit in one buffer, each ended by
/// a NUL (sanitized text never holds one), so a substring filter is one `memmem` pass over the
/// buffer rather than a loop over 100,000 strings.
public final class Body {
    public let columns: [ListColumn]
    public private(set) var rows: [BodyRow]
    let haystackBytes: [UInt8]
    /// `haystackStarts[i]` is where row i's haystack begins; one more entry marks the end.
    let haystackStarts: [Int]
    /// How often each byte occurs in `haystackBytes`: a search scans for the needle's rarest byte.
    let byteCounts: [Int]
    let naturalWidths: [Int]
    let indexByID: [String: Int]
    /// Refresh epoch in which `changedMask`s were computed; marks show only during that epoch.
    var changedEpoch: Int = -1

    public var isDocument: Bool { columns.isEmpty }
    public var count: Int { rows.count }

    public init(columns: [ListColumn], rows: [BodyRow]) {
        self.columns = columns
        self.rows = rows
        var hay: [UInt8] = []
        var starts: [Int] = []
        starts.reserveCapacity(rows.count + 1)
        var natural = columns.map { TerminalText.displayWidth($0.title) }
        var index: [String: Int] = [:]
        index.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            starts.append(hay.count)
            for (c, cell) in row.cells.enumerated() {
                if c > 0 { hay.append(0x20) }
                hay.append(contentsOf: cell.text.lowercased().utf8)
            }
            hay.append(0)
            if !columns.isEmpty {
                for (c, cell) in row.cells.enumerated() where c < natural.count {
                    if natural[c] < columns[c].maxWidth {
                        natural[c] = max(natural[c], TerminalText.displayWidth(cell.text))
                    }
                }
            }
            if index[row.id] == nil { index[row.id] = i }
        }
        starts.append(hay.count)
        var counts = [Int](repeating: 0, count: 256)
        for b in hay { counts[Int(b)] += 1 }
        haystackBytes = hay
        haystackStarts = starts
        byteCounts = counts
        naturalWidths = natural
        indexByID = index
    }

    /// Row i's haystack (without its NUL), for the regex path.
    func haystack(_ i: Int) -> String {
        String(decoding: haystackBytes[haystackStarts[i]..<haystackStarts[i + 1] - 1], as: UTF8.self)
    }

    /// Ascending indices of the rows whose haystack contains `needle` (lower-cased UTF-8 bytes),
    /// among `candidates` when given.
    func rowsContaining(_ needle: [UInt8], among candidates: [Int]?) -> [Int] {
        if needle.isEmpty { return candidates ?? Array(rows.indices) }
        var out: [Int] = []
        // memchr (vectorized in libc) for the needle's rarest byte, then compare the rest
        let pivot = needle.indices.min { byteCounts[Int(needle[$0])] < byteCounts[Int(needle[$1])] }!
        haystackBytes.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { nd in
                guard let base = hay.baseAddress, let np = nd.baseAddress else { return }
                let n = nd.count, key = Int32(nd[pivot])
                /// First match starting in [from, to - n].
                func find(_ from: Int, _ to: Int) -> Int? {
                    var scan = from + pivot
                    while scan < to - (n - 1 - pivot) {
                        guard let p = memchr(base + scan, key, to - (n - 1 - pivot) - scan) else { return nil }
                        let at = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                        let start = at - pivot
                        if memcmp(base + start, np, n) == 0 { return start }
                        scan = at + 1
                    }
                    return nil
                }
                if let candidates {
                    for i in candidates where find(haystackStarts[i], haystackStarts[i + 1] - 1) != nil { out.append(i) }
                    return
                }
                var offset = 0
                var row = 0
                let total = hay.count
                while row < rows.count, let at = find(offset, total) {
                    // the row holding `at`: rows are found in order, so search only forward
                    if haystackStarts[row + 1] <= at {
                        var lo = row + 1, hi = rows.count - 1
                        while lo < hi { let m = (lo + hi + 1) / 2; if haystackStarts[m] <= at { lo = m } else { hi = m - 1 } }
                        row = lo
                    }
                    out.append(row)
                    offset = haystackStarts[row + 1]
                    row += 1
                }
            }
        }
        return out
    }

    public convenience init(lines: [Line]) {
        self.init(columns: [], rows: lines.enumerated().map { BodyRow(id: "L\($0.offset)", cells: $0.element.spans) })
    }

    /// Marks the cells whose text differs from the row with the same id in `previous`.
    /// New rows count as changed; a first load (no previous) marks nothing.
    func markChanges(against previous: Body?, epoch: Int) {
        guard let previous, !isDocument else { return }
        for i in rows.indices {
            guard let j = previous.indexByID[rows[i].id] else { rows[i].changedMask = ~0; continue }
            let old = previous.rows[j].cells
            var mask: UInt64 = 0
            for (c, cell) in rows[i].cells.enumerated() where c < 64 {
                if c >= old.count || old[c].text != cell.text { mask |= 1 << UInt64(c) }
            }
            rows[i].changedMask = mask
        }
        changedEpoch = epoch
    }

    /// Flexible columns give way first (their slack counts double).
    private func slack(_ i: Int, _ w: [Int?]) -> Int {
        let s = (w[i] ?? 0) - columns[i].minWidth
        return columns[i].flex ? s * 2 + 1 : s
    }

    /// Column widths for a given width; nil for a dropped column.
    func layout(width: Int) -> (widths: [Int?], gap: Int) {
        let n = columns.count
        guard n > 0 else { return ([], 0) }
        var w: [Int?] = (0..<n).map { i in
            let c = columns[i]
            return min(max(naturalWidths[i], c.minWidth), c.maxWidth)
        }
        func total(_ gap: Int) -> Int {
            let shown = w.compactMap { $0 }
            return shown.reduce(0, +) + gap * max(0, shown.count - 1)
        }
        let gap = total(2) <= width ? 2 : 1
        while total(gap) > width {
            // take a column from whichever column has the most room above its minimum,
            // so no single column is crushed while another keeps its natural width
            let shrinkable = (0..<n).filter { w[$0] != nil && w[$0]! > columns[$0].minWidth }
            if let i = shrinkable.max(by: { slack($0, w) < slack($1, w) }) {
                w[i] = w[i]! - 1; continue
            }
            let droppable = (0..<n).filter { w[$0] != nil && columns[$0].dropPriority > 0 }
            if let i = droppable.max(by: { columns[$0].dropPriority < columns[$1].dropPriority }) { w[i] = nil; continue }
            break
        }
        if total(gap) < width, let i = (0..<n).first(where: { columns[$0].flex && w[$0] != nil }) {
            w[i] = w[i]! + (width - total(gap))
        }
        return (w, gap)
    }
}

/// A parsed `/` filter: case-insensitive regex; a leading `!` inverts; text without regex
/// metacharacters is matched as a plain substring (the fast path while typing); an invalid
/// regex is matched literally and reported.
struct FilterQuery {
    let raw: String
    let inverted: Bool
    let needle: [UInt8]
    let regex: NSRegularExpression?
    let error: String?

    static let metacharacters = Set(".^$*+?()[]{}|\\")

    init(_ raw: String) {
        self.raw = raw
        var pattern = Substring(raw)
        var inv = false
        if pattern.hasPrefix("!") { inv = true; pattern = pattern.dropFirst().drop(while: { $0 == " " }) }
        inverted = inv
        let p = String(pattern)
        needle = Array(p.lowercased().utf8)
        if p.contains(where: { FilterQuery.metacharacters.contains($0) }) {
            do {
                regex = try NSRegularExpression(pattern: p, options: [.caseInsensitive])
                error = nil
            } catch {
                regex = nil
                self.error = "invalid regex, matching literally"
            }
        } else {
            regex = nil; error = nil
        }
    }

    var isEmpty: Bool { needle.isEmpty }
    /// A plain substring query (narrowing it by appending text narrows the match set).
    var isLiteral: Bool { regex == nil && !inverted }

    func matches(_ hay: String) -> Bool {
        let hit: Bool
        if let regex {
            hit = regex.firstMatch(in: hay, options: [], range: NSRange(location: 0, length: hay.utf16.count)) != nil
        } else {
            hit = FilterQuery.contains(hay, needle)
        }
        return hit != inverted
    }

    static func contains(_ hay: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        var h = hay
        return h.withUTF8 { buf -> Bool in
            let n = needle.count
            guard buf.count >= n else { return false }
            let first = needle[0]
            var i = 0
            let last = buf.count - n
            while i <= last {
                if buf[i] == first {
                    var k = 1
                    while k < n && buf[i + k] == needle[k] { k += 1 }
                    if k == n { return true }
                }
                i += 1
            }
            return false
        }
    }
}

/// Per-frame list state: cursor, scroll, filter, and the cached filter results. Selection is
/// remembered by row id so it survives refreshes and filter changes.
struct ListState {
    var cursor = 0
    var top = 0
    var selectedID: String?
    var filter = ""
    /// Row indices matching the filter, ascending; nil when unfiltered.
    private(set) var visible: [Int]?
    private(set) var filterError: String?
    private weak var syncedBody: Body?
    private var syncedFilter = ""
    /// Small memo of recent queries for this body (typing and backspacing re-use them).
    private var memo: [(raw: String, literal: Bool, indices: [Int])] = []

    func visibleCount(_ body: Body) -> Int { visible?.count ?? body.count }
    func rowIndex(_ position: Int) -> Int { visible?[position] ?? position }

    /// Brings the cached filter result and cursor in line with `body` and `filter`.
    mutating func sync(_ body: Body) {
        if syncedBody !== body { memo.removeAll(); syncedBody = body; syncedFilter = "\u{0}"}
        if syncedFilter != filter {
            applyFilter(body)
            syncedFilter = filter
            resolveCursor(body)
        } else if let id = selectedID, let i = body.indexByID[id], rowIndexSafe(cursor, body) != i {
            resolveCursor(body)
        }
        clamp(body)
    }

    private func rowIndexSafe(_ pos: Int, _ body: Body) -> Int? {
        guard pos >= 0, pos < visibleCount(body) else { return nil }
        return rowIndex(pos)
    }

    private mutating func applyFilter(_ body: Body) {
        let q = FilterQuery(filter)
        filterError = q.error
        if q.isEmpty { visible = nil; return }
        if let hit = memo.first(where: { $0.raw == filter }) { visible = hit.indices; return }
        var candidates: [Int]? = nil
        if q.isLiteral {
            // narrowing: a longer literal only matches rows a shorter prefix of it matched
            candidates = memo.filter { $0.literal && filter.hasPrefix($0.raw) }.max(by: { $0.raw.count < $1.raw.count })?.indices
        }
        var out: [Int] = []
        if q.regex == nil && !q.inverted && !q.needle.contains(0) {
            out = body.rowsContaining(q.needle, among: candidates)
        } else if let candidates {
            for i in candidates where q.matches(body.haystack(i)) { out.append(i) }
        } else {
            for i in 0..<body.count where q.matches(body.haystack(i)) { out.append(i) }
        }
        visible = out
        memo.append((filter, q.isLiteral, out))
        if memo.count > 12 { memo.removeFirst() }
    }

    private mutating func resolveCursor(_ body: Body) {
        guard let id = selectedID, let i = body.indexByID[id] else { return }
        if let v = visible {
            // binary search: visible is ascending
            var lo = 0, hi = v.count
            while lo < hi { let m = (lo + hi) / 2; if v[m] < i { lo = m + 1 } else { hi = m } }
            if lo < v.count, v[lo] == i { cursor = lo }
        } else {
            cursor = i
        }
    }

    mutating func clamp(_ body: Body) {
        let n = visibleCount(body)
        cursor = min(max(0, cursor), max(0, n - 1))
        top = max(0, min(top, max(0, n - 1)))
        selectedID = n > 0 ? body.rows[rowIndex(cursor)].id : nil
    }

    /// Keeps the cursor on screen (lists) or scrolls (documents) for a page of `page` rows.
    mutating func scrollIntoView(_ body: Body, page: Int) {
        let n = visibleCount(body)
        let page = max(1, page)
        if body.isDocument {
            top = min(max(0, cursor), max(0, n - page))
            cursor = top
        } else {
            if cursor < top { top = cursor }
            if cursor >= top + page { top = cursor - page + 1 }
            top = max(0, min(top, max(0, n - page)))
        }
        selectedID = n > 0 ? body.rows[rowIndex(min(cursor, n - 1))].id : nil
    }

    mutating func move(_ delta: Int, _ body: Body, page: Int) {
        let n = visibleCount(body)
        guard n > 0 else { return }
        if body.isDocument {
            cursor = min(max(0, top + delta), max(0, n - max(1, page)))
        } else {
            cursor = min(max(0, cursor + delta), n - 1)
        }
        scrollIntoView(body, page: page)
    }

    mutating func moveTo(end: Bool, _ body: Body, page: Int) {
        let n = visibleCount(body)
        cursor = end ? max(0, n - 1) : 0
        if body.isDocument { top = end ? max(0, n - page) : 0; cursor = top }
        scrollIntoView(body, page: page)
    }

    func selectedRow(_ body: Body) -> BodyRow? {
        let n = visibleCount(body)
        guard n > 0, cursor < n else { return nil }
        return body.rows[rowIndex(cursor)]
    }
}
