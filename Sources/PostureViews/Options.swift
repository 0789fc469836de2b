import Foundation
import PostureModel

/// How the console may be operated. The action table is built per mode, so an action a mode
/// does not allow is absent (no key, no help line), not merely hidden.
public enum ConsoleMode: String, Sendable, Hashable, CaseIterable {
    /// An operator at a keyboard: navigation, prompts, and export through the injected sink.
    case interactive
    /// A wall screen: navigation only; no prompts, no file writes, no switching stores.
    case kiosk
}

/// Receives a rendered pane as plain text when the operator asks to save it; the executable
/// decides where it goes (the views never write files). `name` is a suggested file stem.
public typealias ExportSink = @Sendable (_ name: String, _ text: String) throws -> String

public struct ConsoleOptions: Sendable {
    public var mode: ConsoleMode
    /// ASCII glyphs (non-UTF-8 locale or `--ascii`).
    public var ascii: Bool
    /// The newest snapshot is STALE when older than this many seconds.
    public var staleAfter: TimeInterval
    /// Minimum seconds between `changeToken()` polls.
    public var pollInterval: TimeInterval
    /// Cluster to show first: a `ClusterSummary.key`, or a name (case-insensitive). nil: the
    /// first cluster in the reader's order.
    public var initialCluster: String?
    /// Pane to open on start.
    public var initialPane: PaneID
    /// Where `x` (this screen) and `X` (every row) send their text. nil: the export actions do not exist.
    public var exportSink: ExportSink?
    /// The terminal is too small below this size; a notice is shown instead of a garbled frame.
    public var minimumWidth: Int
    public var minimumHeight: Int
    /// Interactive terminals: a snapshot too large to read in a blink is read after a frame that
    /// says so has been drawn, instead of freezing on the old frame. Headless renders read at once.
    public var announceSlowLoads: Bool = false

    public init(mode: ConsoleMode = .interactive, ascii: Bool = false, staleAfter: TimeInterval = 3600,
                pollInterval: TimeInterval = 1, initialCluster: String? = nil, initialPane: PaneID = .overview,
                exportSink: ExportSink? = nil, minimumWidth: Int = 60, minimumHeight: Int = 15) {
        self.mode = mode; self.ascii = ascii; self.staleAfter = staleAfter; self.pollInterval = pollInterval
        self.initialCluster = initialCluster; self.initialPane = initialPane; self.exportSink = exportSink
        self.minimumWidth = minimumWidth; self.minimumHeight = minimumHeight
    }
}

/// The panes a caller can ask for by name (command line, export, kiosk rotation).
public enum PaneID: Hashable, Sendable {
    case overview
    case category(Category)
    /// The detail of one check, by catalog id (e.g. `AUTH-01`).
    case check(String)
    case identities
    case network
    case secrets
    case history
    case clusters
    case help

    /// The panes Tab cycles through, in order.
    public static let topLevel: [PaneID] =
        [.overview] + Category.allCases.map { .category($0) } + [.identities, .network, .secrets, .history, .clusters]

    public var title: String {
        switch self {
        case .overview: "Overview"
        case .category(let c): c.rawValue
        case .check(let id): TerminalText.sanitize(id)
        case .identities: "Identities"
        case .network: "Network"
        case .secrets: "Secrets"
        case .history: "History"
        case .clusters: "Clusters"
        case .help: "Help"
        }
    }

    /// Parses an export/CLI name: `overview`, `auth`…`hard`, `identities`, `network`, `secrets`,
    /// `history`, `clusters`, `help`, or a check id such as `AUTH-01`.
    public init?(name: String) {
        let n = name.lowercased()
        if let c = Category.allCases.first(where: { $0.rawValue.lowercased() == n }) { self = .category(c); return }
        switch n {
        case "overview": self = .overview
        case "identities": self = .identities
        case "network": self = .network
        case "secrets": self = .secrets
        case "history": self = .history
        case "clusters": self = .clusters
        case "help": self = .help
        default:
            if let c = Category.allCases.first(where: { n.hasPrefix($0.rawValue.lowercased() + "-") }), n.count > c.rawValue.count + 1 {
                self = .check(name.uppercased()); return
            }
            return nil
        }
    }
}
