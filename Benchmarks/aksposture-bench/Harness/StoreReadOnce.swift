import ArgumentParser
import Foundation
import PostureModel
import PostureStore

struct StoreReadOnceResult: Codable {
    /// Opening for writing first (which upgrades an older schema), when `--upgrade`.
    var upgradeSeconds: Double?
    var openSeconds: Double
    var snapshotSeconds: Double
    var reportSeconds: Double
    var peakRSSKB: Int
    var objects: Int
    var what: String
}

/// The store part of opening the overview (row 3) without the views: open read-only, read the
/// newest snapshot without its inventory, and its report. `--full` reads the whole snapshot
/// instead (what the Secrets pane needs), for comparing the two reads on one store.
struct StoreReadOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-read-once",
        abstract: "Open a store read-only, read its newest snapshot and report, print timings as one JSON line.")

    @Argument(help: "Store file.") var store: String
    @Flag(help: "Read the whole snapshot (snapshot(id:)) instead of snapshotWithoutInventory(id:).") var full = false
    @Flag(help: "Open for writing first, which upgrades a store of an older schema (timed separately).") var upgrade = false

    func run() throws {
        let upgradeSeconds = try upgrade ? measure { _ = try PostureStore(path: URL(fileURLWithPath: store)) }.1 : nil
        let (s, open) = try measure { try PostureStore(path: URL(fileURLWithPath: store), readOnly: true) }
        guard let cluster = try s.clusters().first, let id = try s.latestSnapshotID(clusterID: cluster.id) else {
            throw BenchError("no snapshot in \(store)")
        }
        let (snapshot, read) = try measure { full ? try s.snapshot(id: id) : try s.snapshotWithoutInventory(id: id) }
        let (_, report) = try measure { try s.report(snapshotID: id) }
        try emitJSON(StoreReadOnceResult(upgradeSeconds: upgradeSeconds, openSeconds: open, snapshotSeconds: read, reportSeconds: report,
                                         peakRSSKB: procStatusKB("VmHWM") ?? -1, objects: snapshot.kubernetes?.objectCount ?? 0,
                                         what: full ? "snapshot(id:)" : "snapshotWithoutInventory(id:)"))
    }
}
