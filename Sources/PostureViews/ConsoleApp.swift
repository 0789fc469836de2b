import Foundation
import PostureModel

/// Where the operator is: one entry of the navigation stack.
enum Route: Hashable {
    case overview
    case category(Category)
    case check(String)
    case identities
    case identity(String)
    case network
    case networkItem(String)
    case secrets
    case secretItem(String)
    case history
    case delta(Int64)
    case clusters
    case help

    init(_ pane: PaneID) {
        switch pane {
        case .overview: self = .overview
        case .category(let c): self = .category(c)
        case .check(let id): self = .check(id)
        case .identities: self = .identities
        case .network: self = .network
        case .secrets: self = .secrets
        case .history: self = .history
        case .clusters: self = .clusters
        case .help: self = .help
        }
    }

    var kind: PaneKind {
        switch self {
        case .overview: .overview
        case .category: .category
        case .check: .check
        case .identities: .identities
        case .identity: .identity
        case .network: .network
        case .networkItem, .secretItem: .detail
        case .secrets: .secrets
        case .history: .history
        case .delta: .delta
        case .clusters: .clusters
        case .help: .help
        }
    }

    var topLevel: PaneID? {
        switch self {
        case .overview: .overview
        case .category(let c): .category(c)
        case .identities: .identities
        case .network: .network
        case .secrets: .secrets
        case .history: .history
        case .clusters: .clusters
        default: nil
        }
    }
}

/// The console's state machine: data loaded through a `PostureReader`, a navigation stack,
/// and the prompts. Keys and ticks change state; `render` is a pure function of it.
/// Nothing here reads a clock (time arrives with every call) or touches a terminal.
public final class ConsoleApp: ConsoleProgram {
    public let reader: PostureReader
    public let options: ConsoleOptions
    /// The key map, help screen and permission gate for `options.mode`.
    public let actions: ActionTable
    let glyphs: GlyphSet

    struct Frame { var route: Route; var list = ListState() }
    struct Past { var snapshotID: Int64; var savedStack: [Frame] }
    struct Prompt {
        enum Kind { case command, filter }
        var kind: Kind
        var text: String
        var hint: String = ""
        var completionCycle: [String] = []
        var completionIndex = -1
        /// The filter before the prompt opened (restored by Esc).
        var original = ""
        /// A regex typed into a large list waits for a pause in typing (see `regexDelay`).
        var pendingSince: Date?
    }

    /// Lists at least this long evaluate a regex filter only after typing pauses, so every
    /// keypress still produces a frame in a few milliseconds; literal text filters at once
    /// (it narrows the previous match set incrementally).
    static let deferredRegexRows = 20_000
    static let regexDelay: TimeInterval = 0.2

    // Data (last good values are kept when the reader fails).
    private(set) var clusters: [ClusterSummary] = []
    private var trends: [Int64: [Double?]] = [:]
    private(set) var clusterID: Int64?
    private(set) var history: [SnapshotSummary] = []
    private(set) var report: ScoreReport?
    private var previousReport: ScoreReport?
    private var reportFor: Int64?
    private var snapshot: Snapshot?
    private var snapshotFor: Int64?
    private var snapshotFailedFor: Int64?
    /// The viewed snapshot without its inventory, for the overview: reading it does not depend
    /// on the cluster's size, so the console opens as fast on 250,000 pods as on 1,000.
    /// A large snapshot waiting to be read once the frame announcing it has been drawn.
    private var announcedLoad: (id: Int64, frame: Int)?
    private var framesRendered = 0
    /// Snapshots at least this large are announced before they are read (`announceSlowLoads`).
    static let announcedLoadObjects = 20_000
    private var clusterSide: Snapshot?
    private var clusterSideFor: Int64?
    private var clusterSideFailedFor: Int64?

    // View models, built once per snapshot (or report) and reused for every frame.
    private(set) var overview: OverviewModel?
    private var overviewDirty = true
    private var categoryBodies: [Category: Body] = [:]
    private var identities: IdentitiesModel?
    private var network: DetailListModel?
    private var secrets: DetailListModel?
    private var historyBody: Body?
    private var clustersBody: Body?
    private var clustersBodyMinute = Int.min
    private lazy var helpBody: Body = buildHelp()
    /// Detail documents, wrapped for `layoutWidth`.
    private var documents: [Route: (width: Int, body: Body)] = [:]
    /// The width documents and header blocks are wrapped to (the last rendered width).
    private var layoutWidth = 80
    /// Bodies of the previous snapshot, kept to mark what changed.
    private var previousBodies: [Route: Body] = [:]

    private(set) var refreshEpoch = 0
    /// Overview values that changed on a refresh, and the refresh that changed them.
    private var overviewChanges: (keys: Set<String>, epoch: Int) = ([], -1)
    private var lastToken: Int64?
    private var lastPoll: Date?
    private(set) var now: Date
    private(set) var banner: String?
    private var message: (text: String, role: Role)?

    var stack: [Frame]
    private var past: Past?
    private var savedStates: [Route: ListState] = [:]
    private var prompt: Prompt?
    private var lastPage = 10
    /// The size of the last full frame: what `x` exports.
    private(set) var lastSize: (width: Int, height: Int) = (100, ExportLayout.defaultHeight)

    /// Loads the cluster list, history and the newest report at once; `now` is the time
    /// the console starts (ages, staleness). Reader errors become the error banner.
    public init(reader: PostureReader, options: ConsoleOptions = ConsoleOptions(), now: Date) {
        self.reader = reader
        self.options = options
        self.now = now
        self.glyphs = GlyphSet.forOptions(ascii: options.ascii)
        self.actions = ActionTable.build(mode: options.mode, canExport: options.exportSink != nil)
        var initial: [Frame] = [Frame(route: Route(options.initialPane))]
        if case .check(let id) = options.initialPane, let c = Category.allCases.first(where: { id.uppercased().hasPrefix($0.rawValue + "-") }) {
            initial = [Frame(route: .category(c)), Frame(route: .check(id))]
        }
        self.stack = initial
        refresh(force: true)
        lastPoll = now
    }

    // MARK: ConsoleProgram

    public func tick(now: Date) -> Bool {
        let oldMinute = Int(self.now.timeIntervalSince1970 / 60)
        self.now = now
        var changed = Int(now.timeIntervalSince1970 / 60) != oldMinute
        if lastPoll == nil || now.timeIntervalSince(lastPoll!) >= options.pollInterval || now < lastPoll! {
            lastPoll = now
            let before = (banner, refreshEpoch)
            refresh(force: false)
            if before.0 != banner || before.1 != refreshEpoch { changed = true }
        }
        if let p = prompt, p.kind == .filter, let since = p.pendingSince, now.timeIntervalSince(since) >= Self.regexDelay {
            prompt?.pendingSince = nil
            stack[stack.count - 1].list.filter = p.text
            changed = true
        }
        let loaded = snapshotFor
        prepare()
        return changed || snapshotFor != loaded
    }

    public func handle(_ key: Key, now: Date) -> [ConsoleEffect] {
        self.now = now
        if key == .resize { return [] }
        if prompt != nil { return handlePrompt(key) }
        message = nil
        guard let action = actions.action(for: key, in: stack.last!.route.kind) else { return [] }
        let effects = perform(action, key: key)
        prepare()
        return effects
    }

    public func render(width: Int, height: Int) -> Screen {
        // counted when done: a load announced in this frame waits for the next tick
        defer { framesRendered += 1 }
        var s = Screen(width: width, height: height)
        if width < options.minimumWidth || height < options.minimumHeight {
            renderTooSmall(into: &s)
            return s
        }
        layoutWidth = width
        lastSize = (width, height)
        prepare()
        let ctx = RenderContext(glyphs: glyphs, now: now, options: options, epoch: refreshEpoch, export: false)
        var y = renderHeader(into: &s, width: width)
        let bodyArea = Rect(x: 0, y: y, width: width, height: height - y - 1)
        let page = renderPane(into: &s, area: bodyArea, ctx: ctx)
        if page > 0 { lastPage = page }
        y = height - 1
        renderFooter(into: &s, y: y, width: width)
        return s
    }

    // MARK: Headless and export

    /// The current pane with every row, no selection bar and no footer: what `X` and
    /// `aksposture export --all-rows` write.
    public func renderFullPane(width: Int) -> Screen {
        let savedWidth = layoutWidth
        layoutWidth = width
        defer { layoutWidth = savedWidth }
        prepare()
        let ctx = RenderContext(glyphs: glyphs, now: now, options: options, epoch: refreshEpoch, export: true)
        var probe = Screen(width: width, height: 1)
        let top = renderHeader(into: &probe, width: width)
        let frame = stack[stack.count - 1]
        var height = top + 30 + 4 * (overview?.topFixes.count ?? 0) + (overview?.failing.count ?? 0) + 4 * (overview?.caps.count ?? 0)
        if let (header, _, body) = listContent(frame.route) {
            let wrapped = header.flatMap { $0.wrapped(width) }
            height = top + ListPane.chromeHeight(header: wrapped, body: body) + max(1, frame.list.visibleCount(body)) + 3
        }
        var s = Screen(width: width, height: height)
        _ = renderHeader(into: &s, width: width)
        var exportFrame = frame
        exportFrame.list.top = 0
        stack[stack.count - 1] = exportFrame
        _ = renderPane(into: &s, area: Rect(x: 0, y: top, width: width, height: height - top), ctx: ctx)
        stack[stack.count - 1] = frame
        // trim trailing blank lines
        let lines = s.textLines()
        let used = (lines.lastIndex(where: { !$0.isEmpty }) ?? 0) + 1
        var trimmed = Screen(width: width, height: used)
        for yy in 0..<used { for xx in 0..<width { trimmed[xx, yy] = s[xx, yy] } }
        return trimmed
    }

    /// Opens a pane as if chosen from the command line.
    public func open(_ pane: PaneID) {
        if case .check(let id) = pane, let c = Category.allCases.first(where: { id.uppercased().hasPrefix($0.rawValue + "-") }) {
            stack = [Frame(route: .category(c)), Frame(route: .check(id))]
        } else {
            go(to: Route(pane))
        }
        prepare()
    }

    // MARK: Data

    /// Polls the change token (or loads unconditionally) and reloads what changed.
    private func refresh(force: Bool) {
        do {
            let token = try reader.changeToken()
            if !force && token == lastToken && banner == nil { return }
            // Only a store change marks values as changed; navigating to another snapshot
            // or cluster (a forced reload) does not.
            try reload(markChanges: !force)
            lastToken = token
            banner = nil
        } catch {
            banner = "store unreadable: " + clean(String(describing: error)) + " (showing the last good data)"
        }
    }

    private func reload(markChanges: Bool) throws {
        let list = try reader.clusters()
        if clusterID == nil || !list.contains(where: { $0.id == clusterID }) {
            let want = options.initialCluster?.lowercased()
            clusterID = list.first(where: { want != nil && ($0.key == want || $0.name.lowercased() == want) })?.id ?? list.first?.id
        }
        var newTrends: [Int64: [Double?]] = [:]
        var newHistory: [SnapshotSummary] = []
        for c in list {
            let snaps = try reader.snapshots(clusterID: c.id)
            newTrends[c.id] = snaps.suffix(24).map(\.overallScore)
            if c.id == clusterID { newHistory = snaps }
        }
        if let p = past, !newHistory.contains(where: { $0.id == p.snapshotID }) { leavePast() }
        let viewed = past?.snapshotID ?? newHistory.last?.id
        var newReport: ScoreReport? = nil
        var newPrevious: ScoreReport? = nil
        if let viewed {
            newReport = try reader.report(snapshotID: viewed)
            if let i = newHistory.firstIndex(where: { $0.id == viewed }), i > 0 {
                newPrevious = try reader.report(snapshotID: newHistory[i - 1].id)
            }
        }
        // Commit only after every read succeeded, so a failure keeps the last good data.
        let clusterChanged = !markChanges || clusters.first(where: { $0.id == clusterID })?.key != list.first(where: { $0.id == clusterID })?.key
        refreshEpoch += 1
        clusters = list
        trends = newTrends
        let historyChanged = newHistory != history
        history = newHistory
        if historyChanged || historyBody == nil {
            let old = historyBody
            historyBody = HistoryModel.body(history, liveID: history.last?.id, glyphs: glyphs)
            historyBody?.markChanges(against: clusterChanged ? nil : old, epoch: refreshEpoch)
        }
        clustersBodyMinute = Int.min
        if viewed != snapshotFor {
            // a different snapshot: keep the old bodies to mark changes, drop the rest
            if !clusterChanged {
                if let b = identities?.body { previousBodies[.identities] = b }
                if let b = network?.body { previousBodies[.network] = b }
                if let b = secrets?.body { previousBodies[.secrets] = b }
            } else {
                previousBodies = [:]
            }
            snapshot = nil; snapshotFor = nil; snapshotFailedFor = nil
            clusterSide = nil; clusterSideFor = nil; clusterSideFailedFor = nil
            identities = nil; network = nil; secrets = nil
            documents = [:]
            overviewDirty = true
        }
        if newReport != report || viewed != reportFor || newPrevious != previousReport {
            let oldBodies = clusterChanged ? [:] : categoryBodies
            if !clusterChanged, let old = report, let new = newReport {
                var keys: Set<String> = []
                if old.overall.score != new.overall.score { keys.insert("overall") }
                for c in Category.allCases where old.category(c)?.score != new.category(c)?.score || old.category(c)?.coverage != new.category(c)?.coverage {
                    keys.insert(c.rawValue)
                }
                overviewChanges = (keys, refreshEpoch)
            }
            report = newReport; previousReport = newPrevious; reportFor = viewed
            categoryBodies = [:]
            if let r = report {
                for c in Category.allCases {
                    let b = CategoryModel.body(report: r, category: c, glyphs: glyphs)
                    b.markChanges(against: oldBodies[c], epoch: refreshEpoch)
                    categoryBodies[c] = b
                }
            }
            documents = documents.filter { if case .delta = $0.key { return true }; return false }
            overviewDirty = true
        }
        if historyChanged { overviewDirty = true }
    }

    private var viewedSnapshotID: Int64? { past?.snapshotID ?? history.last?.id }

    private func ensureSnapshot() -> Snapshot? {
        guard let id = viewedSnapshotID else { return nil }
        if snapshotFor == id { return snapshot }
        if snapshotFailedFor == id { return nil }
        if options.announceSlowLoads, let summary = history.first(where: { $0.id == id }), summary.objectCount >= Self.announcedLoadObjects {
            if announcedLoad?.id != id { announcedLoad = (id, framesRendered); return nil }
            if framesRendered <= announcedLoad!.frame { return nil }
        }
        announcedLoad = nil
        do {
            snapshot = try reader.snapshot(id: id)
            snapshotFor = id
            overviewDirty = true
            return snapshot
        } catch {
            snapshotFailedFor = id
            banner = "snapshot \(id) unreadable: " + clean(String(describing: error))
            return nil
        }
    }

    private func ensureClusterSide() -> Snapshot? {
        guard let id = viewedSnapshotID else { return nil }
        if snapshotFor == id, let snapshot { return snapshot }
        if clusterSideFor == id { return clusterSide }
        if clusterSideFailedFor == id { return nil }
        do {
            clusterSide = try reader.snapshotWithoutInventory(id: id)
            clusterSideFor = id
            return clusterSide
        } catch {
            clusterSideFailedFor = id
            banner = "snapshot \(id) unreadable: " + clean(String(describing: error))
            return nil
        }
    }

    /// Builds whatever the current route needs, once, and re-syncs the list state.
    private func prepare() {
        let route = stack[stack.count - 1].route
        switch route {
        case .overview:
            if overviewDirty || overview == nil {
                let snap = ensureClusterSide()
                let m = OverviewModel(summary: clusters.first { $0.id == clusterID },
                                      snapshotSummary: history.first { $0.id == viewedSnapshotID },
                                      snapshot: snap, report: report, previous: previousReport, history: history, upTo: viewedSnapshotID)
                overview = m
                overviewDirty = false
            }
        case .identities, .identity:
            if identities == nil, let snap = ensureSnapshot() {
                identities = IdentitiesModel(snapshot: snap, glyphs: glyphs)
                identities?.body.markChanges(against: previousBodies.removeValue(forKey: .identities), epoch: refreshEpoch)
            }
        case .network, .networkItem:
            if network == nil, let snap = ensureSnapshot() {
                network = NetworkModel.build(snapshot: snap, glyphs: glyphs)
                network?.body.markChanges(against: previousBodies.removeValue(forKey: .network), epoch: refreshEpoch)
            }
        case .secrets, .secretItem:
            if secrets == nil, let snap = ensureSnapshot() {
                secrets = SecretsModel.build(snapshot: snap, glyphs: glyphs)
                secrets?.body.markChanges(against: previousBodies.removeValue(forKey: .secrets), epoch: refreshEpoch)
            }
        case .clusters:
            let minute = Int(now.timeIntervalSince1970 / 60)
            if clustersBody == nil || clustersBodyMinute != minute {
                clustersBody = ClustersModel.body(clusters, trends: trends, current: clusterID, now: now, staleAfter: options.staleAfter, glyphs: glyphs)
                clustersBodyMinute = minute
            }
        default: break
        }
        if let body = bodyFor(route) {
            stack[stack.count - 1].list.sync(body)
        }
    }

    /// The scrollable body of a route (nil for the overview, or when its data is missing).
    private func bodyFor(_ route: Route) -> Body? {
        switch route {
        case .overview: return nil
        case .category(let c): return categoryBodies[c] ?? emptyDocument("No score report is stored for this snapshot.")
        case .identities: return identities?.body ?? notLoadedDocument()
        case .network: return network?.body ?? notLoadedDocument()
        case .secrets: return secrets?.body ?? notLoadedDocument()
        case .history: return historyBody
        case .clusters: return clustersBody
        case .help: return helpBody
        case .check, .identity, .networkItem, .secretItem, .delta:
            if let d = documents[route], d.width == layoutWidth { return d.body }
            let lines: [Line]
            switch route {
            case .check(let id):
                guard let f = report?.finding(id) else { lines = [Line("Check \(clean(id)) is not in this snapshot's report.", .muted)]; break }
                lines = CategoryModel.checkDetail(f, glyphs: glyphs)
            case .identity(let id):
                guard let m = identities else { return nil }
                lines = m.detail(id, glyphs: glyphs)
            case .networkItem(let id):
                guard let m = network else { return nil }
                lines = m.detail(id) ?? [Line("This item is not in the current snapshot.", .muted)]
            case .secretItem(let id):
                guard let m = secrets else { return nil }
                lines = m.detail(id) ?? [Line("This item is not in the current snapshot.", .muted)]
            case .delta(let id):
                lines = deltaLines(id)
            default: return nil
            }
            let b = Body(lines: lines.flatMap { $0.wrapped(layoutWidth) })
            documents[route] = (layoutWidth, b)
            return b
        }
    }

    private func notLoadedDocument() -> Body {
        guard let pending = announcedLoad, let summary = history.first(where: { $0.id == pending.id }) else {
            return emptyDocument("Snapshot not loaded.")
        }
        return emptyDocument("Reading snapshot \(Fmt.time(summary.collectedAt)) (\(Fmt.count(summary.objectCount)) Kubernetes objects)…")
    }

    private var emptyDocs: [String: Body] = [:]
    private func emptyDocument(_ text: String) -> Body {
        if let b = emptyDocs[text] { return b }
        let b = Body(lines: [Line(text, .muted)])
        emptyDocs[text] = b
        return b
    }

    private func deltaLines(_ id: Int64) -> [Line] {
        guard let i = history.firstIndex(where: { $0.id == id }) else { return [Line("Snapshot \(id) is no longer stored.", .muted)] }
        do {
            guard let new = try reader.report(snapshotID: id) else { return [Line("No score report is stored for this snapshot.", .unknown)] }
            let old = i > 0 ? try reader.report(snapshotID: history[i - 1].id) : nil
            return DeltaModel(from: old, fromTime: i > 0 ? history[i - 1].collectedAt : nil, to: new, toTime: history[i].collectedAt).lines(glyphs: glyphs)
        } catch {
            return [Line("Could not read the reports: " + clean(String(describing: error)), .stale)]
        }
    }

    private func buildHelp() -> Body {
        var rows: [BodyRow] = []
        for a in actions.actions {
            let panes = a.panes == PaneKind.all ? "everywhere" : PaneKind.allCases.filter { a.panes.contains($0) }.map(\.rawValue).joined(separator: ",")
            rows.append(BodyRow(id: "A" + a.id.rawValue, cells: [Span(ActionTable.label(a.keys, ascii: glyphs.ascii), .accent, bold: true), Span(a.name), Span(a.help), Span(panes, .muted)]))
        }
        if actions.contains(.command) {
            for c in ConsoleCommand.all {
                let aliases = c.aliases.isEmpty ? "" : " (" + c.aliases.map { ":" + $0 }.joined(separator: " ") + ")"
                rows.append(BodyRow(id: "C" + c.name, cells: [Span(":" + c.name, .accent, bold: true), Span("command"), Span(c.help + aliases), Span("", .muted)]))
            }
        }
        return Body(columns: [ListColumn("KEY", min: 5, max: 12), ListColumn("ACTION", min: 6, max: 15),
                              ListColumn("WHAT IT DOES", min: 20, max: 200, flex: true), ListColumn("WHERE", min: 8, max: 40, drop: 1)], rows: rows)
    }

    // MARK: Actions

    private func perform(_ action: Action, key: Key) -> [ConsoleEffect] {
        let top = stack.count - 1
        let body = bodyFor(stack[top].route)
        func list(_ f: (inout ListState, Body) -> Void) {
            guard let body else { return }
            stack[top].list.sync(body)
            f(&stack[top].list, body)
        }
        switch action.id {
        case .quit: return [.quit]
        case .redraw: return [.forceRedraw]
        case .help:
            if stack[top].route != .help { push(.help) }
        case .command:
            prompt = Prompt(kind: .command, text: "")
        case .filter:
            prompt = Prompt(kind: .filter, text: stack[top].list.filter, original: stack[top].list.filter)
        case .back:
            if !stack[top].list.filter.isEmpty {
                stack[top].list.filter = ""
            } else if stack.count > 1 {
                stack.removeLast()
            } else if past != nil {
                leavePast()
                message = ("back to the live snapshot", .info)
            }
        case .drill:
            guard let body, let row = stack[top].list.selectedRow(body), let target = row.target else { return [.bell] }
            switch target {
            case .check(let id): push(.check(id))
            case .identity(let id): push(.identity(id))
            case .detail(let id): push(stack[top].route == .network ? .networkItem(id) : .secretItem(id))
            case .snapshot, .cluster: break
            }
        case .viewSnapshot:
            guard let body, let row = stack[top].list.selectedRow(body), case .snapshot(let id)? = row.target else { return [.bell] }
            if id == history.last?.id && past == nil {
                go(to: .overview)
                message = ("this is the live snapshot", .info)
            } else {
                enterPast(id)
            }
        case .switchCluster:
            guard let body, let row = stack[top].list.selectedRow(body), case .cluster(let id)? = row.target else { return [.bell] }
            if past != nil { leavePast() }
            if id != clusterID { showCluster(id: id) }
            stack = [Frame(route: .overview)]
        case .delta:
            guard let body, let row = stack[top].list.selectedRow(body), case .snapshot(let id)? = row.target else { return [.bell] }
            push(.delta(id))
        case .up: list { $0.move(-1, $1, page: lastPage) }
        case .down: list { $0.move(1, $1, page: lastPage) }
        case .pageUp: list { $0.move(-max(1, lastPage - 1), $1, page: lastPage) }
        case .pageDown: list { $0.move(max(1, lastPage - 1), $1, page: lastPage) }
        case .top: list { $0.moveTo(end: false, $1, page: lastPage) }
        case .bottom: list { $0.moveTo(end: true, $1, page: lastPage) }
        case .nextPane, .prevPane:
            let panes = PaneID.topLevel
            let current = stack.first?.route.topLevel ?? .overview
            let i = panes.firstIndex(of: current) ?? 0
            let next = panes[(i + (action.id == .nextPane ? 1 : panes.count - 1)) % panes.count]
            go(to: Route(next))
        case .jumpCategory:
            if case .char(let ch) = key, let n = Int(String(ch)), n >= 1, n <= Category.allCases.count {
                go(to: .category(Category.allCases[n - 1]))
            }
        case .save, .saveAll:
            guard let sink = options.exportSink else { return [.bell] }
            let full = action.id == .saveAll
            let text = full ? exportFullText(width: lastSize.width) : exportViewText(width: lastSize.width, height: lastSize.height)
            do {
                let where_ = try sink(exportName(full: full), text)
                message = ("exported " + clean(where_), .info)
            } catch {
                message = ("export failed: " + clean(String(describing: error)), .stale)
                return [.bell]
            }
        }
        return []
    }

    /// `<cluster>-<view>[-all]-<UTC timestamp>`: the file stem the export sink is handed.
    func exportName(full: Bool) -> String {
        let cluster = clusters.first { $0.id == clusterID }?.name ?? "cluster"
        let pane = stack.map { crumb($0.route) }.joined(separator: "-")
        let raw = cluster + "-" + pane + (full ? "-all" : "")
        var stem = String(raw.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        while stem.contains("--") { stem = stem.replacingOccurrences(of: "--", with: "-") }
        return stem.trimmingCharacters(in: CharacterSet(charactersIn: "-")) + "-" + ExportLayout.timestamp(now)
    }

    /// Shows another cluster of the store (the kiosk's rotation across clusters).
    public func showCluster(id: Int64) {
        guard id != clusterID, clusters.contains(where: { $0.id == id }) else { return }
        if past != nil { leavePast() }
        clusterID = id
        previousBodies = [:]
        savedStates = [:]
        identities = nil; network = nil; secrets = nil; overview = nil
        snapshotFor = nil; snapshot = nil; reportFor = nil
        clusterSide = nil; clusterSideFor = nil; clusterSideFailedFor = nil
        refresh(force: true)
        stack = [Frame(route: stack.first?.route ?? .overview)]
        prepare()
    }

    private func push(_ route: Route) { stack.append(Frame(route: route)) }

    /// Replaces the stack with a top-level pane, restoring that pane's selection and scroll.
    private func go(to route: Route) {
        if let first = stack.first, first.route.topLevel != nil { savedStates[first.route] = first.list }
        stack = [Frame(route: route, list: savedStates[route] ?? ListState())]
    }

    private func enterPast(_ id: Int64) {
        if past == nil {
            past = Past(snapshotID: id, savedStack: stack)
        } else {
            past!.snapshotID = id
        }
        stack = [Frame(route: .overview)]
        refresh(force: true)
    }

    private func leavePast() {
        guard let p = past else { return }
        past = nil
        stack = p.savedStack
        if snapshotFor != history.last?.id { refresh(force: true) }
    }

    // MARK: Prompt

    private func handlePrompt(_ key: Key) -> [ConsoleEffect] {
        guard var p = prompt else { return [] }
        let top = stack.count - 1
        switch key {
        case .escape:
            if p.kind == .filter { stack[top].list.filter = "" }
            prompt = nil
            prepare()
            return []
        case .enter:
            prompt = nil
            if p.kind == .command { return runCommand(p.text) }
            stack[top].list.filter = p.text
            prepare()
            return []
        case .backspace, .delete:
            if !p.text.isEmpty { p.text.removeLast() }
            p.completionCycle = []
        case .char(let c):
            p.text.append(c)
            p.completionCycle = []
        case .tab, .backTab:
            guard p.kind == .command else { return [] }
            if p.completionCycle.isEmpty {
                let options = ConsoleCommand.completions(p.text)
                if options.isEmpty { p.hint = "no command starts with \"\(clean(p.text))\""; prompt = p; return [.bell] }
                if options.count == 1 { p.text = options[0]; p.hint = "" }
                else {
                    let common = options.dropFirst().reduce(options[0]) { a, b in String(zip(a, b).prefix { $0 == $1 }.map(\.0)) }
                    if common.count > p.text.count { p.text = common }
                    else {
                        // the text already is the common prefix: cycle through the candidates,
                        // starting after the one typed (`ident` → `identities`)
                        p.completionCycle = options
                        let at = options.firstIndex(of: p.text)
                        p.completionIndex = key == .tab ? ((at ?? -1) + 1) % options.count : ((at ?? 0) + options.count - 1) % options.count
                        p.text = options[p.completionIndex]
                    }
                    p.hint = options.joined(separator: " ")
                }
            } else {
                let n = p.completionCycle.count
                p.completionIndex = (p.completionIndex + (key == .tab ? 1 : n - 1)) % n
                p.text = p.completionCycle[p.completionIndex]
            }
            prompt = p
            return []
        default:
            return []
        }
        if p.kind == .command {
            let opts = ConsoleCommand.completions(p.text)
            p.hint = p.text.isEmpty ? "" : opts.joined(separator: " ")
        } else {
            let q = FilterQuery(p.text)
            let rows = bodyFor(stack[top].route)?.count ?? 0
            if q.regex != nil && rows >= Self.deferredRegexRows {
                p.pendingSince = now
            } else {
                p.pendingSince = nil
                stack[top].list.filter = p.text
                prepare()
            }
        }
        prompt = p
        return []
    }

    private func runCommand(_ text: String) -> [ConsoleEffect] {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        guard let cmd = ConsoleCommand.resolve(text) else {
            message = ("unknown command :" + clean(text) + " (Tab completes, :help lists them)", .stale)
            return [.bell]
        }
        switch cmd.target {
        case .quit: return [.quit]
        case .pane(.help): if stack.last?.route != .help { push(.help) }
        case .pane(let pane): go(to: Route(pane))
        }
        prepare()
        return []
    }

    // MARK: Drawing

    private func crumb(_ r: Route) -> String {
        switch r {
        case .overview: "Overview"
        case .category(let c): c.rawValue
        case .check(let id): clean(id)
        case .identities: "Identities"
        case .identity(let id): identities?.subjects[id].map { ($0.kind == "ServiceAccount" ? "SA " : $0.kind + " ") + $0.display } ?? "identity"
        case .network: "Network"
        case .networkItem(let id): network?.title(id) ?? clean(id)
        case .secrets: "Secrets"
        case .secretItem(let id): secrets?.title(id) ?? clean(id)
        case .history: "History"
        case .delta(let id): "Delta " + (history.first { $0.id == id }.map { Fmt.time($0.collectedAt) } ?? "\(id)")
        case .clusters: "Clusters"
        case .help: "Help"
        }
    }

    /// Header bar (and the past-snapshot line); returns the first free row.
    private func renderHeader(into s: inout Screen, width: Int) -> Int {
        s.fill(x: 0, y: 0, width: width, height: 1, role: .header)
        var badges: [Span] = []
        if let live = history.last, now.timeIntervalSince(live.collectedAt) > options.staleAfter {
            badges.append(Span(" STALE \(Fmt.age(now.timeIntervalSince(live.collectedAt))) ", .stale, bold: true))
        }
        if past != nil { badges.append(Span(" PAST ", .info, bold: true)) }
        badges.append(options.mode == .kiosk ? Span(" KIOSK ", .info, bold: true) : Span(" RO ", .info, bold: true))
        let badgeLine = Line(badges.flatMap { [$0, Span(" ", .header)] })
        let badgeWidth = TerminalText.displayWidth(badgeLine.plain)
        let cluster = clusters.first { $0.id == clusterID }.map { clean($0.name) } ?? "(no cluster)"
        let crumbs = stack.map { crumb($0.route) }.joined(separator: glyphs.crumb)
        let left = Line([Span(" aksposture ", .header, bold: true), Span(cluster, .header, bold: true), Span(glyphs.crumb, .header), Span(crumbs, .accent)])
        s.draw(left, x: 0, y: 0, width: max(0, width - badgeWidth - 1))
        s.draw(badgeLine, x: max(0, width - badgeWidth), y: 0, width: badgeWidth)
        var y = 1
        if let p = past, let snap = history.first(where: { $0.id == p.snapshotID }) {
            s.fill(x: 0, y: y, width: width, height: 1, role: .info)
            s.put(" VIEWING PAST SNAPSHOT \(Fmt.time(snap.collectedAt))  (Esc returns to live)", x: 0, y: y, role: .info, bold: true)
            y += 1
        }
        if let b = banner {
            s.fill(x: 0, y: y, width: width, height: 1, role: .stale)
            s.put(" " + b, x: 0, y: y, role: .stale, bold: true)
            y += 1
        }
        return y
    }

    func listContent(_ route: Route) -> (header: [Line], title: String, body: Body)? {
        guard let body = bodyFor(route) else { return nil }
        switch route {
        case .category(let c):
            var header: [Line] = []
            let score = report?.category(c)
            var l1: [Span] = [Span(c.rawValue + "  ", .accent, bold: true), Span(c.title, .title, bold: true)]
            if let sc = score {
                l1 += [Span("   score ", .muted), Span(Fmt.scoreASCII(sc.score, ascii: glyphs.ascii), gradeRole(sc.grade), bold: true),
                       Span("  grade ", .muted), Span(sc.grade?.rawValue ?? "-", gradeRole(sc.grade), bold: true), Span("  "),
                       Fmt.delta(sc.score, previousReport?.category(c)?.score, glyphs: glyphs)]
            }
            header.append(Line(l1))
            header += CategoryModel.formula(score, findings: report?.findings.filter { $0.category == c } ?? [], ascii: glyphs.ascii)
            return (header, "Checks", body)
        case .identities: return (identities?.header ?? [], "Subjects", body)
        case .network: return (network?.header ?? [], "Exposure, worst first", body)
        case .secrets: return (secrets?.header ?? [], "Secrets and references (no values)", body)
        case .history: return ([], "Snapshots, newest first", body)
        case .clusters: return ([], "Clusters", body)
        case .help: return ([Line([Span("Keys for this mode (", .muted), Span(options.mode.rawValue, .accent), Span("). Actions a mode does not allow are not listed and do nothing.", .muted)])], "Help", body)
        case .check: return ([], "Check", body)
        case .identity: return ([], "Identity", body)
        case .networkItem: return ([], "Exposure detail", body)
        case .secretItem: return ([], "Detail (names and references only)", body)
        case .delta: return ([], "Changes against the previous snapshot", body)
        case .overview: return nil
        }
    }

    private func renderPane(into s: inout Screen, area: Rect, ctx: RenderContext) -> Int {
        let frame = stack[stack.count - 1]
        if frame.route == .overview {
            if let m = overview {
                OverviewPane.render(into: &s, area: area, model: m, live: past == nil ? history.last : nil,
                                    changed: overviewChanges.epoch == refreshEpoch ? overviewChanges.keys : [], ctx: ctx)
            } else {
                s.put("No data.", x: 1, y: area.y, role: .muted)
            }
            if clusters.isEmpty && banner == nil {
                s.put("The store holds no cluster yet: import a snapshot first (aksposture import <bundle>).", x: 1, y: area.y + 2, role: .unknown, maxWidth: area.width - 1)
            }
            return 0
        }
        guard let (rawHeader, title, body) = listContent(frame.route) else { return 0 }
        let header = rawHeader.flatMap { $0.wrapped(area.width) }
        var state = frame.list
        state.sync(body)
        let rowsTop = min(header.count, max(0, area.height - (body.isDocument ? 1 : 2) - 3)) + 1 + (body.isDocument ? 0 : 1)
        let page = max(1, area.height - rowsTop)
        if !ctx.export { state.scrollIntoView(body, page: page) }
        stack[stack.count - 1].list = state
        return ListPane.render(into: &s, area: area, header: header, title: title, body: body, state: state, ctx: ctx)
    }

    private func renderFooter(into s: inout Screen, y: Int, width: Int) {
        s.fill(x: 0, y: y, width: width, height: 1, role: .statusLine)
        if let p = prompt {
            s.fill(x: 0, y: y, width: width, height: 1, role: .prompt)
            let lead = p.kind == .command ? ":" : "/"
            var x = s.put(lead + clean(p.text), x: 0, y: y, role: .prompt, bold: true, maxWidth: width - 1)
            s.put(" ", x: x, y: y, role: .selected)
            x += 2
            if p.kind == .filter {
                let q = FilterQuery(p.text)
                if let e = q.error { s.put(e, x: x, y: y, role: .stale, maxWidth: width - x) }
                else if p.pendingSince != nil { s.put("regex applies when typing pauses (Enter applies now)", x: x, y: y, role: .muted, maxWidth: width - x) }
                else { s.put("Enter keeps the filter, Esc clears it", x: x, y: y, role: .muted, maxWidth: width - x) }
            } else if !p.hint.isEmpty {
                s.put(p.hint, x: x, y: y, role: .muted, maxWidth: width - x)
            }
            return
        }
        if let m = message {
            s.put(" " + m.text, x: 0, y: y, role: m.role, bold: true, maxWidth: width)
            return
        }
        let kind = stack[stack.count - 1].route.kind
        let wanted: [ActionID] = [.help, .command, .filter, .drill, .viewSnapshot, .delta, .switchCluster, .back, .nextPane, .jumpCategory, .save, .saveAll, .quit]
        var x = 1
        for id in wanted {
            guard let a = actions.actions.first(where: { $0.id == id && $0.panes.contains(kind) }) else { continue }
            let key = id == .jumpCategory ? "1-5" : ActionTable.label(a.keys[0], ascii: glyphs.ascii)
            let need = TerminalText.displayWidth(key) + 1 + TerminalText.displayWidth(a.name) + 2
            if x + need > width { break }
            x += s.put(key, x: x, y: y, role: .accent, bold: true)
            x += s.put(" " + a.name + "  ", x: x, y: y, role: .statusLine)
        }
    }

    private func renderTooSmall(into s: inout Screen) {
        let need = glyphs.ascii ? ">=" : "≥"
        let times = glyphs.ascii ? "x" : "×"
        let lines = ["terminal too small", "(need \(need) \(options.minimumWidth)\(times)\(options.minimumHeight), have \(s.width)\(times)\(s.height))"]
        let y0 = max(0, (s.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            let t = TerminalText.truncate(l, to: s.width, ascii: glyphs.ascii)
            s.put(t, x: max(0, (s.width - TerminalText.displayWidth(t)) / 2), y: y0 + i, role: .stale, bold: true)
        }
    }
}
