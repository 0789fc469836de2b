import Foundation
import PostureModel

/// What kind of screen is on top of the stack; actions say which kinds they apply to.
public enum PaneKind: String, Sendable, Hashable, CaseIterable {
    case overview, category, check, identities, identity, network, secrets, detail, history, delta, clusters, help

    static let lists: Set<PaneKind> = [.category, .identities, .network, .secrets, .history, .clusters, .help]
    static let all = Set(PaneKind.allCases)
}

/// What an action is able to do. The action table for a mode simply leaves out actions whose
/// capabilities the mode does not grant, so the key map, the help screen and the permission
/// gate cannot disagree.
public struct Capability: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Moves around the data that is already loaded.
    public static let navigates = Capability(rawValue: 1 << 0)
    /// Opens a text prompt (`:` command line, `/` filter).
    public static let opensPrompt = Capability(rawValue: 1 << 1)
    /// Hands text to the export sink (which writes a file).
    public static let writesFile = Capability(rawValue: 1 << 2)
    /// Makes the console read a different cluster from the store.
    public static let switchesStore = Capability(rawValue: 1 << 3)
    public static let quits = Capability(rawValue: 1 << 4)

    /// What each mode grants.
    public static func granted(in mode: ConsoleMode) -> Capability {
        switch mode {
        case .interactive: [.navigates, .opensPrompt, .writesFile, .switchesStore, .quits]
        // No `.quits`: a kiosk ends only on a signal or the `--exit-key` its runner intercepts.
        case .kiosk: [.navigates]
        }
    }
}

public enum ActionID: String, Sendable, Hashable, CaseIterable {
    case help, command, filter, back, drill, viewSnapshot, switchCluster, delta
    case up, down, pageUp, pageDown, top, bottom, nextPane, prevPane, jumpCategory
    case redraw, save, saveAll, quit

    /// What a kiosk keeps: looking around, never entering a past snapshot, a prompt or a detail
    /// it cannot leave. Its runner turns Tab/S-Tab into steps of the rotation.
    static let kiosk: Set<ActionID> = [.help, .back, .up, .down, .pageUp, .pageDown, .top, .bottom, .nextPane, .prevPane, .redraw]
}

public struct Action: Sendable, Hashable {
    public var id: ActionID
    public var keys: [Key]
    public var name: String
    public var help: String
    public var panes: Set<PaneKind>
    public var capabilities: Capability
}

/// The one table behind the key map, the `?` screen and the permission gate.
public struct ActionTable: Sendable {
    public let mode: ConsoleMode
    public let actions: [Action]

    public static func build(mode: ConsoleMode, canExport: Bool) -> ActionTable {
        let all = PaneKind.all
        let everything: [Action] = [
            Action(id: .help, keys: [.char("?")], name: "help", help: "Show this help (generated from the key table)", panes: all, capabilities: .navigates),
            Action(id: .command, keys: [.char(":")], name: "command", help: "Command line: go to a pane (Tab completes)", panes: all, capabilities: .opensPrompt),
            Action(id: .filter, keys: [.char("/")], name: "filter", help: "Filter rows: regex, case-insensitive, leading ! inverts", panes: PaneKind.lists.union([.check, .identity, .detail, .delta]), capabilities: .opensPrompt),
            Action(id: .back, keys: [.escape], name: "back", help: "Clear the filter, else go back (or return to live from a past snapshot)", panes: all, capabilities: .navigates),
            Action(id: .drill, keys: [.enter], name: "open", help: "Open the selected row", panes: [.category, .identities, .network, .secrets], capabilities: .navigates),
            Action(id: .viewSnapshot, keys: [.enter], name: "view snapshot", help: "View the whole dashboard as of the selected snapshot", panes: [.history], capabilities: .navigates),
            Action(id: .switchCluster, keys: [.enter], name: "switch cluster", help: "Show the selected cluster", panes: [.clusters], capabilities: .switchesStore),
            Action(id: .delta, keys: [.char("d")], name: "delta", help: "What changed against the previous snapshot", panes: [.history], capabilities: .navigates),
            Action(id: .up, keys: [.up, .char("k")], name: "up", help: "Move up", panes: all, capabilities: .navigates),
            Action(id: .down, keys: [.down, .char("j")], name: "down", help: "Move down", panes: all, capabilities: .navigates),
            Action(id: .pageUp, keys: [.pageUp, .ctrl("b")], name: "page up", help: "Previous page", panes: all, capabilities: .navigates),
            Action(id: .pageDown, keys: [.pageDown, .ctrl("f")], name: "page down", help: "Next page", panes: all, capabilities: .navigates),
            Action(id: .top, keys: [.home, .char("g")], name: "top", help: "First row", panes: all, capabilities: .navigates),
            Action(id: .bottom, keys: [.end, .char("G")], name: "bottom", help: "Last row", panes: all, capabilities: .navigates),
            Action(id: .nextPane, keys: [.tab], name: "next pane", help: "Next top-level pane", panes: all, capabilities: .navigates),
            Action(id: .prevPane, keys: [.backTab], name: "previous pane", help: "Previous top-level pane", panes: all, capabilities: .navigates),
            Action(id: .jumpCategory, keys: (1...5).map { .char(Character(String($0))) }, name: "category",
                   help: "Jump to " + Category.allCases.enumerated().map { "\($0.offset + 1) \($0.element.rawValue)" }.joined(separator: ", "),
                   panes: all, capabilities: .navigates),
            Action(id: .redraw, keys: [.ctrl("l")], name: "redraw", help: "Repaint the terminal", panes: all, capabilities: .navigates),
            Action(id: .save, keys: [.char("x")], name: "export", help: "Write this screen as plain text to the export directory", panes: all, capabilities: .writesFile),
            Action(id: .saveAll, keys: [.char("X")], name: "export all", help: "Write the whole current list (every row) as plain text", panes: all, capabilities: .writesFile),
            Action(id: .quit, keys: [.char("q")], name: "quit", help: "Quit", panes: all, capabilities: .quits),
        ]
        let granted = Capability.granted(in: mode)
        var actions = everything.filter { a in
            granted.isSuperset(of: a.capabilities) && ((a.id != .save && a.id != .saveAll) || canExport)
        }
        if mode == .kiosk {
            actions = actions.filter { ActionID.kiosk.contains($0.id) }.map { a in
                var a = a
                if a.id == .nextPane { a.help = "Next view of the rotation" }
                if a.id == .prevPane { a.help = "Previous view of the rotation" }
                if a.id == .back { a.help = "Close the help" }
                return a
            }
        }
        return ActionTable(mode: mode, actions: actions)
    }

    public func action(for key: Key, in pane: PaneKind) -> Action? {
        actions.first { $0.panes.contains(pane) && $0.keys.contains(key) }
    }

    public func contains(_ id: ActionID) -> Bool { actions.contains { $0.id == id } }

    public static func label(_ key: Key, ascii: Bool) -> String {
        switch key {
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(String(c).uppercased())"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .up: ascii ? "Up" : "↑"
        case .down: ascii ? "Down" : "↓"
        case .left: ascii ? "Left" : "←"
        case .right: ascii ? "Right" : "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .unknown: "?"
        }
    }

    public static func label(_ keys: [Key], ascii: Bool) -> String {
        if keys.count == 5, keys.first == .char("1") { return "1-5" }
        return keys.map { label($0, ascii: ascii) }.joined(separator: "/")
    }
}

/// A `:` command: where it goes, and the short forms it answers to.
public struct ConsoleCommand: Sendable, Hashable {
    public enum Target: Sendable, Hashable { case pane(PaneID), quit }
    public var name: String
    public var aliases: [String]
    public var help: String
    public var target: Target

    public static let all: [ConsoleCommand] = [
        ConsoleCommand(name: "overview", aliases: ["ov", "home"], help: "Score, categories, trend, top fixes", target: .pane(.overview)),
        ConsoleCommand(name: "auth", aliases: [], help: Category.auth.title, target: .pane(.category(.auth))),
        ConsoleCommand(name: "ident", aliases: [], help: Category.ident.title, target: .pane(.category(.ident))),
        ConsoleCommand(name: "net", aliases: [], help: Category.net.title, target: .pane(.category(.net))),
        ConsoleCommand(name: "sec", aliases: [], help: Category.sec.title, target: .pane(.category(.sec))),
        ConsoleCommand(name: "hard", aliases: [], help: Category.hard.title, target: .pane(.category(.hard))),
        ConsoleCommand(name: "identities", aliases: ["id", "ids", "rbac"], help: "Who can do what: subjects, roles, service accounts", target: .pane(.identities)),
        ConsoleCommand(name: "network", aliases: ["netw", "exposure"], help: "Everything reachable, worst first", target: .pane(.network)),
        ConsoleCommand(name: "secrets", aliases: ["secr", "kv"], help: "Key Vaults, provider classes, Secrets (metadata only)", target: .pane(.secrets)),
        ConsoleCommand(name: "history", aliases: ["hist", "snapshots"], help: "Stored snapshots; Enter views one, d shows the delta", target: .pane(.history)),
        ConsoleCommand(name: "clusters", aliases: ["cl", "ctx", "fleet"], help: "All clusters in the store", target: .pane(.clusters)),
        ConsoleCommand(name: "help", aliases: ["h"], help: "Keys and commands", target: .pane(.help)),
        ConsoleCommand(name: "q", aliases: ["quit", "q!"], help: "Quit", target: .quit),
    ]

    /// Exact name, then alias, then a unique name prefix.
    public static func resolve(_ input: String) -> ConsoleCommand? {
        let t = input.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        if let c = all.first(where: { $0.name == t }) { return c }
        if let c = all.first(where: { $0.aliases.contains(t) }) { return c }
        let prefixed = all.filter { $0.name.hasPrefix(t) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Names (not aliases) starting with the input, in table order.
    public static func completions(_ input: String) -> [String] {
        let t = input.trimmingCharacters(in: .whitespaces).lowercased()
        return all.map(\.name).filter { $0.hasPrefix(t) }
    }
}
