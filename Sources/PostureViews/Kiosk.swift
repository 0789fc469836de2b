import Foundation
import PostureModel

/// How a kiosk rotates and how it may be left.
public struct KioskOptions: Sendable {
    /// The views shown in turn (at least one).
    public var rotation: [PaneID]
    /// Seconds each view stays on screen.
    public var interval: TimeInterval
    /// After the last view, move on to the next cluster of the store.
    public var acrossClusters: Bool
    /// The one key that ends the kiosk, if any was chosen at start; never listed in the help.
    public var exitKey: Key?

    /// overview → the five categories → identities → network → secrets.
    public static let defaultRotation: [PaneID] = [.overview] + Category.allCases.map { .category($0) } + [.identities, .network, .secrets]

    public init(rotation: [PaneID] = KioskOptions.defaultRotation, interval: TimeInterval = 20, acrossClusters: Bool = true, exitKey: Key? = nil) {
        self.rotation = rotation.isEmpty ? [.overview] : rotation
        self.interval = max(1, interval)
        self.acrossClusters = acrossClusters
        self.exitKey = exitKey
    }

    /// Parses `--exit-key`: one printable character, `ctrl-<letter>`, `f<1-63>`, `esc`, `enter` or `tab`.
    public static func parseKey(_ text: String) -> Key? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        if t.count == 1, let ch = t.first, ch.isASCII, !ch.isWhitespace, TerminalText.isSafe(ch) { return .char(ch) }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest.count == 1, let ch = rest.first, ch >= "a", ch <= "z" { return .ctrl(ch) }
            return nil
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...63).contains(n) { return .function(n) }
        switch lower {
        case "esc", "escape": return .escape
        case "enter", "return": return .enter
        case "tab": return .tab
        default: return nil
        }
    }
}

/// A wall-screen console: the read-only console in kiosk mode, rotated through views (and
/// clusters) on a timer, with a status line that shows the data age and turns into a red
/// STALE banner. Kiosk mode is a latch fixed when this object is made: the console's action
/// table for `.kiosk` has no prompt, no export, no cluster switch and no quit, and keys are
/// filtered here again, so only a signal or `exitKey` ends it.
public final class KioskProgram: ConsoleProgram {
    public let app: ConsoleApp
    public let kiosk: KioskOptions
    /// Index into `kiosk.rotation` of the view on screen.
    public private(set) var step = 0
    /// How many rotation steps were taken (views and clusters shown so far).
    public private(set) var rotations = 0
    private var lastSwitch: Date

    public init(reader: PostureReader, options: ConsoleOptions, kiosk: KioskOptions, now: Date) {
        var o = options
        o.mode = .kiosk
        o.exportSink = nil
        o.initialPane = kiosk.rotation[0]
        self.kiosk = kiosk
        self.app = ConsoleApp(reader: reader, options: o, now: now)
        self.lastSwitch = now
    }

    /// The pane on screen in the rotation.
    public var currentView: PaneID { kiosk.rotation[step] }
    /// The cluster on screen.
    public var currentClusterName: String? { app.clusters.first { $0.id == app.clusterID }?.name }
    /// The error banner the console shows (store unreadable), if any.
    public var banner: String? { app.banner }

    public func handle(_ key: Key, now: Date) -> [ConsoleEffect] {
        if let exit = kiosk.exitKey, key == exit { return [.quit] }
        switch key {
        case .resize:
            return []
        case .tab:
            advance(by: 1, now: now)
            return []
        case .backTab:
            advance(by: -1, now: now)
            return []
        default:
            break
        }
        let kind = app.stack[app.stack.count - 1].route.kind
        guard app.actions.action(for: key, in: kind) != nil else { return [] }
        // someone is looking at something: give them a whole interval
        lastSwitch = now
        return app.handle(key, now: now).filter { $0 != .quit }
    }

    public func tick(now: Date) -> Bool {
        var changed = app.tick(now: now)
        if now.timeIntervalSince(lastSwitch) >= kiosk.interval || now < lastSwitch {
            advance(by: 1, now: now)
            changed = true
        }
        return changed
    }

    /// Moves to the next (or previous) view; past the end, to the next cluster.
    func advance(by delta: Int, now: Date) {
        let n = kiosk.rotation.count
        var next = step + delta
        if next >= n || next < 0 {
            next = (next + n) % n
            let clusters = app.clusters
            if kiosk.acrossClusters, clusters.count > 1 {
                let current = clusters.firstIndex { $0.id == app.clusterID } ?? 0
                app.showCluster(id: clusters[(current + (delta > 0 ? 1 : clusters.count - 1)) % clusters.count].id)
            }
        }
        step = next
        rotations += 1
        app.open(kiosk.rotation[step])
        lastSwitch = now
    }

    public func render(width: Int, height: Int) -> Screen {
        var s = app.render(width: width, height: height)
        guard width >= app.options.minimumWidth, height >= app.options.minimumHeight else { return s }
        drawStatus(into: &s, y: height - 1, width: width)
        return s
    }

    private func drawStatus(into s: inout Screen, y: Int, width: Int) {
        let g = GlyphSet.forOptions(ascii: app.options.ascii)
        let clusters = app.clusters
        let ci = (clusters.firstIndex { $0.id == app.clusterID } ?? 0) + 1
        var where_ = "view \(step + 1)/\(kiosk.rotation.count) \(kiosk.rotation[step].title)"
        if clusters.count > 1 { where_ = "cluster \(ci)/\(clusters.count) \(g.bullet) " + where_ }
        let newest = app.history.last?.collectedAt
        let age = newest.map { app.now.timeIntervalSince($0) }
        if let age, age > app.options.staleAfter {
            s.fill(x: 0, y: y, width: width, height: 1, role: .stale)
            let text = " STALE  newest snapshot is \(Fmt.age(age)) old (limit \(Fmt.age(app.options.staleAfter)))  \(g.bullet) " + where_
            s.put(TerminalText.truncate(text, to: width, ascii: g.ascii), x: 0, y: y, role: .stale, bold: true)
            return
        }
        s.fill(x: 0, y: y, width: width, height: 1, role: .statusLine)
        var x = s.put(" KIOSK ", x: 0, y: y, role: .info, bold: true)
        x += s.put(" data age ", x: x, y: y, role: .statusLine)
        x += s.put(age.map { Fmt.age($0) } ?? "none", x: x, y: y, role: age == nil ? .unknown : .accent, bold: true)
        x += s.put("  \(g.bullet) " + where_, x: x, y: y, role: .statusLine, maxWidth: max(0, width - x))
        _ = x
    }
}
