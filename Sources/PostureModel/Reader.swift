import Foundation

/// One cluster known to the store, with its newest snapshot's score.
public struct ClusterSummary: Codable, Sendable, Hashable {
    public var id: Int64
    /// `ClusterKey.make` of the cluster.
    public var key: String
    public var name: String
    public var resourceGroup: String?
    public var location: String?
    public var snapshotCount: Int
    public var latest: SnapshotSummary?
    public init(id: Int64, key: String, name: String, resourceGroup: String?, location: String?, snapshotCount: Int, latest: SnapshotSummary?) {
        self.id = id; self.key = key; self.name = name; self.resourceGroup = resourceGroup
        self.location = location; self.snapshotCount = snapshotCount; self.latest = latest
    }
}

/// One stored snapshot, without its objects: enough for history lists and sparklines.
public struct SnapshotSummary: Codable, Sendable, Hashable {
    public var id: Int64
    public var clusterID: Int64
    public var collectedAt: Date
    public var importedAt: Date
    public var overallScore: Double?
    public var grade: Grade?
    public var categoryScores: [Category: Double]
    /// Bytes this snapshot added to the store (new objects, membership, report).
    public var storedBytes: Int
    public var objectCount: Int
    public init(id: Int64, clusterID: Int64, collectedAt: Date, importedAt: Date, overallScore: Double?, grade: Grade?,
                categoryScores: [Category: Double], storedBytes: Int, objectCount: Int) {
        self.id = id; self.clusterID = clusterID; self.collectedAt = collectedAt; self.importedAt = importedAt
        self.overallScore = overallScore; self.grade = grade; self.categoryScores = categoryScores
        self.storedBytes = storedBytes; self.objectCount = objectCount
    }
}

/// Read access to stored posture data. The store implements it; the console, kiosk and
/// export read only through it, so they can be tested against an in-memory reader.
public protocol PostureReader: AnyObject {
    func clusters() throws -> [ClusterSummary]
    /// Oldest first.
    func snapshots(clusterID: Int64) throws -> [SnapshotSummary]
    func snapshot(id: Int64) throws -> Snapshot
    /// The snapshot with `kubernetes` left nil: the cluster, its Azure resources and the
    /// collection record. Screens that show only those (overview, kiosk) read this, so opening
    /// them does not depend on how many Kubernetes objects the cluster has.
    func snapshotWithoutInventory(id: Int64) throws -> Snapshot
    func report(snapshotID: Int64) throws -> ScoreReport?
    /// Changes whenever anything was written to the store (cheap; polled by the console).
    func changeToken() throws -> Int64
}

public extension PostureReader {
    /// Correct for any reader; a store overrides it with a read that skips the inventory.
    func snapshotWithoutInventory(id: Int64) throws -> Snapshot {
        var snapshot = try snapshot(id: id)
        snapshot.kubernetes = nil
        return snapshot
    }
}
