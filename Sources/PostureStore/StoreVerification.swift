import Foundation
import GRDB

/// What `PostureStore.verify()` found.
public struct StoreVerification: Sendable {
    public struct DamagedObject: Sendable, Equatable {
        public var id: Int64
        public var problem: String
    }

    public struct DamagedSnapshot: Sendable, Equatable {
        public var id: Int64
        public var clusterName: String
        public var collectedAt: Date
        public var problem: String
    }

    /// `PRAGMA integrity_check` output: `["ok"]` for a sound file.
    public var integrity: [String]
    public var objectCount: Int
    public var snapshotCount: Int
    public var clusterCount: Int
    public var damagedObjects: [DamagedObject]
    public var damagedSnapshots: [DamagedSnapshot]

    public var isSound: Bool { integrity == ["ok"] && damagedObjects.isEmpty && damagedSnapshots.isEmpty }
}

extension PostureStore {
    /// Checks the whole store in one read transaction (a collector may go on importing): SQLite's
    /// own `integrity_check`, then every object body rebuilt through its delta chain and compared
    /// with its SHA-256, then every snapshot's membership chain and the objects and report it
    /// names. Imports only reference objects whose hash is already present, so damage to stored
    /// bodies shows here (or when a snapshot is read), never at import.
    public func verify(objectBatch: Int = 2_000, progress: ((_ checked: Int, _ total: Int) -> Void)? = nil) throws -> StoreVerification {
        try read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM object ORDER BY id")
            var damaged: [Int64: String] = [:]
            var checked = 0
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(start + objectBatch, ids.count)])
                if (try? Self.fullObjects(db, ids: batch)) == nil {
                    // Rare: find which objects of the batch are at fault, one at a time.
                    for id in batch {
                        do { _ = try Self.fullObjects(db, ids: [id]) } catch {
                            damaged[id] = Self.problem(error)
                        }
                    }
                }
                start += batch.count
                checked += batch.count
                progress?(checked, ids.count)
            }

            let known = Set(ids)
            let clusterNames = Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM cluster").map { row -> (Int64, String) in (row[0], row[1]) },
                                          uniquingKeysWith: { a, _ in a })
            var damagedSnapshots: [StoreVerification.DamagedSnapshot] = []
            let snapshots = try Row.fetchAll(db, sql: "SELECT id, clusterID, collectedAt, reportID FROM snapshot ORDER BY id")
            for row in snapshots {
                let id: Int64 = row[0]
                var problem: String?
                do {
                    let members = try Self.membership(db, snapshotID: id)
                    let reportID: Int64? = row[3]
                    let used = reportID.map { members.union([$0]) } ?? members
                    let missing = used.filter { !known.contains($0) }
                    let bad = used.filter { damaged[$0] != nil }.sorted()
                    if !missing.isEmpty {
                        problem = "\(missing.count) of its objects are missing (first: object \(missing.min()!))"
                    } else if let first = bad.first {
                        problem = bad.count == 1 ? damaged[first]! : "\(bad.count) of its objects are damaged (\(damaged[first]!), …)"
                    }
                } catch {
                    problem = Self.problem(error)
                }
                if let problem {
                    let clusterID: Int64 = row[1]
                    damagedSnapshots.append(.init(id: id, clusterName: clusterNames[clusterID] ?? "cluster \(clusterID)",
                                                  collectedAt: Date(timeIntervalSinceReferenceDate: row[2]), problem: problem))
                }
            }
            return StoreVerification(integrity: integrity, objectCount: ids.count, snapshotCount: snapshots.count,
                                     clusterCount: clusterNames.count,
                                     damagedObjects: damaged.sorted { $0.key < $1.key }.map { .init(id: $0.key, problem: $0.value) },
                                     damagedSnapshots: damagedSnapshots)
        }
    }

    /// A damaged page surfaces as an SQLite error rather than `DamagedData`.
    private static func problem(_ error: any Error) -> String {
        if let damaged = error as? DamagedData { return damaged.what }
        if let sqlite = error as? DatabaseError { return sqlite.message ?? "\(sqlite.resultCode)" }
        return "\(error)"
    }
}
