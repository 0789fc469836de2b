import Crypto
import Foundation
import GRDB
import PostureModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local store: many clusters, many snapshots each, in one SQLite file (WAL mode, so a
/// collector can import while dashboards read).
///
/// A snapshot is cut into content-addressed objects (the Azure side as one object, one per
/// Kubernetes object, a small inventory header); each distinct object is stored once. A changed
/// object is stored as a byte delta against its previous version, and a snapshot's object set as
/// a delta against the cluster's previous snapshot, with a full keyframe every
/// `keyframeInterval` snapshots so reads replay a bounded chain. Scores are kept in the snapshot
/// row so history lists never decode objects.
public final class PostureStore: PostureReader, Sendable {
    /// Schema version this binary reads and writes.
    public static var schemaVersion: Int { StoreSchema.version }
    /// A snapshot's membership is a full list every this many snapshots of a cluster.
    public static let keyframeInterval = 64
    /// Longest chain of object deltas before an object is stored in full again.
    static let maxObjectDepth = 16

    public let path: URL
    public let isReadOnly: Bool
    private enum Reader {
        case sqlite(any DatabaseReader)
        /// A read-only open that found the disk completely full.
        case fullDisk(FullDiskReader)
    }
    private let reader: Reader
    private let writer: (any DatabaseWriter)?
    /// Test seam: called inside the import transaction after the objects are written.
    let importFault: (@Sendable () throws -> Void)?

    /// `$AKSPOSTURE_STORE`, else `$XDG_DATA_HOME/aksposture/store.sqlite`, else
    /// `~/.local/share/aksposture/store.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["AKSPOSTURE_STORE"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        // The XDG spec says relative values are invalid and must be ignored.
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return URL(fileURLWithPath: dataHome).appendingPathComponent("aksposture/store.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/aksposture/store.sqlite")
    }

    /// Opens the store, creating it (directory 0700, files 0600) unless `readOnly`.
    /// `readOnly` opens never write, and work on read-only files and media.
    public convenience init(path: URL, readOnly: Bool = false) throws {
        try self.init(path: path, readOnly: readOnly, importFault: nil)
    }

    init(path: URL, readOnly: Bool, importFault: (@Sendable () throws -> Void)?) throws {
        let filePath = path.standardizedFileURL.path
        self.path = URL(fileURLWithPath: filePath)
        self.isReadOnly = readOnly
        self.importFault = importFault
        let directory = (filePath as NSString).deletingLastPathComponent
        if readOnly {
            guard FileManager.default.fileExists(atPath: filePath) else {
                throw StoreError(path: filePath, message: "no store here (nothing has been imported yet)")
            }
            try Self.checkDirectory(directory, storePath: filePath)
            do {
                reader = .sqlite(try Self.openReadOnly(filePath))
            } catch where Self.filesystemIsFull(filePath) {
                guard let frozen = FullDiskReader(filePath: filePath) else { throw error }
                reader = .fullDisk(frozen)
            }
            writer = nil
            try read { db in try Self.checkCompatible(db, storePath: filePath, readOnly: true) }
        } else {
            if Self.isOnReadOnlyFilesystem(filePath) {
                throw StoreError(path: filePath, message: "store is on a read-only filesystem: it can be viewed, "
                                 + "but importing and collecting need a writable location")
            }
            try Self.prepareDirectory(directory, storePath: filePath)
            let created = try Self.createFileIfMissing(filePath)
            // Two processes opening one new store for writing would both run the migrations
            // ("table store_state already exists"). An flock serializes the check-and-migrate part
            // of opening. It is taken on the store's directory, never on the database file:
            // closing any descriptor of the database file drops every POSIX lock SQLite holds on
            // it in this process, and another process may then delete the WAL under our writes.
            let openLock = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if openLock >= 0 { while flock(openLock, LOCK_EX) != 0 && errno == EINTR {} }
            defer { if openLock >= 0 { flock(openLock, LOCK_UN); close(openLock) } }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.label = "aksposture.store"
            let pool: DatabasePool
            do {
                if !created {
                    // Look before opening for writing: the pool switches the file to WAL mode,
                    // which must not happen to another application's database.
                    let probe = try Self.openReadOnly(filePath, doing: "open")
                    try probe.read { db in try Self.checkCompatible(db, storePath: filePath, readOnly: false) }
                    try probe.close()
                }
                pool = try DatabasePool(path: filePath, configuration: configuration)
                try pool.read { db in try Self.checkCompatible(db, storePath: filePath, readOnly: false) }
                try StoreSchema.migrator.migrate(pool)
            } catch {
                throw Self.storeError(error, path: filePath, doing: "open")
            }
            if created {
                // SQLite gives -wal and -shm the main file's mode; make sure of it.
                for suffix in ["-wal", "-shm"] { _ = chmod(filePath + suffix, 0o600) }
            }
            reader = .sqlite(pool)
            writer = pool
        }
    }

    // MARK: - Writing

    /// Stores one snapshot (and its report) in one transaction: all of it or nothing.
    @discardableResult
    public func importSnapshot(_ snapshot: Snapshot, report: ScoreReport?) throws -> SnapshotSummary {
        let split: SplitSnapshot
        let reportObject: EncodedObject?
        do {
            split = try SnapshotObjects.split(snapshot)
            reportObject = try report.map(SnapshotObjects.encodeReport)
        } catch {
            throw StoreError(path: path.path, message: "cannot store snapshot of \(snapshot.cluster.name): \(error)")
        }
        let importedAt = Date()
        let cluster = snapshot.cluster
        let clusterKey = snapshot.clusterKey
        return try write("import a snapshot") { db in
            try db.execute(sql: """
                INSERT INTO cluster (key, name, resourceGroup, location) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET name = excluded.name, resourceGroup = excluded.resourceGroup,
                    location = excluded.location
                """, arguments: [clusterKey, cluster.name, cluster.resourceGroup, cluster.location])
            guard let clusterID = try Int64.fetchOne(db, sql: "SELECT id FROM cluster WHERE key = ?", arguments: [clusterKey]) else {
                throw DamagedData(what: "cluster row vanished during import")
            }
            // Deltas are taken against the cluster's most recently imported snapshot.
            let base = try Row.fetchOne(db, sql: "SELECT id, chainLength, reportID FROM snapshot WHERE clusterID = ? ORDER BY id DESC LIMIT 1",
                                        arguments: [clusterID])
            let baseID: Int64? = base?["id"]
            let baseMembership = try baseID.map { try Self.membership(db, snapshotID: $0) }

            var storedBytes = 0
            var distinct: [EncodedObject] = []
            var seen = Set<Data>()
            for object in split.objects where seen.insert(object.hash).inserted { distinct.append(object) }
            var idByHash = try Self.existingIDs(db, hashes: distinct.map(\.hash))
            let newObjects = distinct.filter { idByHash[$0.hash] == nil }
            if !newObjects.isEmpty {
                let predecessors = try Self.predecessors(db, among: baseMembership ?? [], for: newObjects)
                for object in newObjects {
                    let (id, bytes) = try Self.insertObject(db, object, predecessor: predecessors[object.identity])
                    idByHash[object.hash] = id
                    storedBytes += bytes
                }
            }

            var reportID: Int64?
            if let reportObject {
                if let existing = try Self.existingIDs(db, hashes: [reportObject.hash])[reportObject.hash] {
                    reportID = existing
                } else {
                    let previous: Int64? = base?["reportID"]
                    let predecessor = try previous.map { try Self.predecessors(db, among: [$0], for: [reportObject]) }?[reportObject.identity]
                    let (id, bytes) = try Self.insertObject(db, reportObject, predecessor: predecessor)
                    reportID = id
                    storedBytes += bytes
                }
            }

            try self.importFault?()

            let members = Set(split.objects.map { idByHash[$0.hash]! })
            let membership: Membership
            let chainLength: Int
            let deltaBase: Int64?
            if let baseID, let baseMembership, let baseChain: Int = base?["chainLength"], baseChain + 1 < Self.keyframeInterval {
                membership = Membership.diff(from: baseMembership, to: members)
                chainLength = baseChain + 1
                deltaBase = baseID
            } else {
                membership = .keyframe(members.sorted())
                chainLength = 0
                deltaBase = nil
            }
            let membershipBlob = membership.encoded()
            storedBytes += membershipBlob.count

            let azureID = split.objects.first { $0.tag == .azure }.map { idByHash[$0.hash]! }

            let scores = ReportColumns(report)
            try db.execute(sql: """
                INSERT INTO snapshot (clusterID, collectedAt, importedAt, baseID, chainLength, membership, objectCount,
                    storedBytes, reportID, azureID, overallScore, grade, scoreAuth, scoreIdent, scoreNet, scoreSec, scoreHard)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: StatementArguments([
                    clusterID, split.collectedAt.timeIntervalSinceReferenceDate, importedAt.timeIntervalSinceReferenceDate,
                    deltaBase, chainLength, membershipBlob, members.count, storedBytes, reportID, azureID,
                ] as [(any DatabaseValueConvertible)?]) + scores.arguments)
            let id = db.lastInsertedRowID
            try Self.bumpChangeCounter(db)
            return SnapshotSummary(id: id, clusterID: clusterID, collectedAt: split.collectedAt, importedAt: importedAt,
                                   overallScore: scores.overall, grade: scores.grade, categoryScores: scores.categories,
                                   storedBytes: storedBytes, objectCount: members.count)
        }
    }

    /// Stores a new report for a snapshot (after re-scoring) and drops the old one if unused.
    public func replaceReport(snapshotID: Int64, report: ScoreReport) throws {
        let reportObject: EncodedObject
        do { reportObject = try SnapshotObjects.encodeReport(report) } catch {
            throw StoreError(path: path.path, message: "cannot store report for snapshot \(snapshotID): \(error)")
        }
        try write("replace a report") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT reportID FROM snapshot WHERE id = ?", arguments: [snapshotID]) else {
                throw StoreError(path: self.path.path, message: "no snapshot with id \(snapshotID)")
            }
            let previous: Int64? = row["reportID"]
            let reportID: Int64
            if let existing = try Self.existingIDs(db, hashes: [reportObject.hash])[reportObject.hash] {
                reportID = existing
            } else {
                let predecessor = try previous.map { try Self.predecessors(db, among: [$0], for: [reportObject]) }?[reportObject.identity]
                reportID = try Self.insertObject(db, reportObject, predecessor: predecessor).id
            }
            let scores = ReportColumns(report)
            try db.execute(sql: """
                UPDATE snapshot SET reportID = ?, overallScore = ?, grade = ?, scoreAuth = ?, scoreIdent = ?, scoreNet = ?,
                    scoreSec = ?, scoreHard = ? WHERE id = ?
                """, arguments: StatementArguments([reportID]) + scores.arguments + StatementArguments([snapshotID]))
            if let previous, previous != reportID { try Self.dropReportIfUnused(db, id: previous) }
            try Self.bumpChangeCounter(db)
        }
    }

    /// Deletes what `policy` does not keep, cluster by cluster, never a cluster's newest snapshot.
    /// Returns the number of snapshots deleted.
    @discardableResult
    public func applyRetention(_ policy: RetentionPolicy, now: Date) throws -> Int {
        try write("apply retention") { db in
            var deleted = 0
            for clusterID in try Int64.fetchAll(db, sql: "SELECT id FROM cluster ORDER BY id") {
                let snapshots = try Row.fetchAll(db, sql: "SELECT id, collectedAt FROM snapshot WHERE clusterID = ? ORDER BY id",
                                                 arguments: [clusterID])
                    .map { (id: $0["id"] as Int64, collectedAt: Date(timeIntervalSinceReferenceDate: $0["collectedAt"])) }
                let keep = policy.survivors(of: snapshots, now: now)
                // Oldest first, so each deletion re-bases a short delta onto a surviving predecessor.
                for snapshot in snapshots where !keep.contains(snapshot.id) {
                    try Self.deleteSnapshotRow(db, id: snapshot.id)
                    deleted += 1
                }
            }
            if deleted > 0 {
                try Self.collectGarbage(db)
                try Self.bumpChangeCounter(db)
            }
            return deleted
        }
    }

    public func deleteSnapshot(id: Int64) throws {
        try write("delete a snapshot") { db in
            guard let clusterID = try Int64.fetchOne(db, sql: "SELECT clusterID FROM snapshot WHERE id = ?", arguments: [id]) else {
                throw StoreError(path: self.path.path, message: "no snapshot with id \(id)")
            }
            try Self.deleteSnapshotRow(db, id: id)
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshot WHERE clusterID = ?", arguments: [clusterID]) == 0 {
                try db.execute(sql: "DELETE FROM cluster WHERE id = ?", arguments: [clusterID])
            }
            try Self.collectGarbage(db)
            try Self.bumpChangeCounter(db)
        }
    }

    /// Moves the write-ahead log into the main file and truncates it.
    public func checkpoint() throws {
        let writer = try requireWriter()
        do { _ = try writer.writeWithoutTransaction { try $0.checkpoint(.truncate) } } catch {
            throw Self.storeError(error, path: path.path, doing: "checkpoint")
        }
    }

    /// Rebuilds the file so space freed by retention is returned to the file system.
    public func compact() throws {
        let writer = try requireWriter()
        do {
            try writer.vacuum()
            _ = try writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        } catch {
            throw Self.storeError(error, path: path.path, doing: "compact")
        }
    }

    /// Size of the store file plus its write-ahead log.
    public func storeSizeBytes() throws -> Int {
        var total = 0
        for file in [path.path, path.path + "-wal"] {
            var info = stat()
            if stat(file, &info) == 0 { total += Int(info.st_size) }
        }
        return total
    }

    // MARK: - Reading (PostureReader)

    public func clusters() throws -> [ClusterSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.key, c.name, c.resourceGroup, c.location,
                       (SELECT COUNT(*) FROM snapshot s WHERE s.clusterID = c.id) AS snapshotCount
                FROM cluster c ORDER BY c.name, c.key
                """).map { row in
                let id: Int64 = row["id"]
                let latest = try Row.fetchOne(db, sql: "SELECT \(Self.summaryColumns) FROM snapshot WHERE clusterID = ? ORDER BY collectedAt DESC, id DESC LIMIT 1",
                                              arguments: [id]).map(Self.summary)
                return ClusterSummary(id: id, key: row["key"], name: row["name"], resourceGroup: row["resourceGroup"],
                                      location: row["location"], snapshotCount: row["snapshotCount"], latest: latest)
            }
        }
    }

    /// Oldest first (by collection time, then import order).
    public func snapshots(clusterID: Int64) throws -> [SnapshotSummary] {
        try read { db in
            // Cached statement and columns by index: with 10,000 snapshots, compiling and looking
            // up columns by name (GRDB lower-cases each name per row) was most of the time.
            let statement = try db.cachedStatement(sql: "SELECT \(Self.summaryColumns) FROM snapshot WHERE clusterID = ? ORDER BY collectedAt, id")
            var result: [SnapshotSummary] = []
            let rows = try Row.fetchCursor(statement, arguments: [clusterID])
            while let row = try rows.next() { result.append(Self.summary(row)) }
            return result
        }
    }

    public func snapshot(id: Int64) throws -> Snapshot {
        let (collectedAt, objects) = try read { db -> (Date, [(hash: Data, bytes: [UInt8])]) in
            guard let at = try Double.fetchOne(db, sql: "SELECT collectedAt FROM snapshot WHERE id = ?", arguments: [id]) else {
                throw StoreError(path: self.path.path, message: "no snapshot with id \(id)")
            }
            let ids = try Self.membership(db, snapshotID: id)
            let full = try Self.fullObjects(db, ids: Array(ids))
            return (Date(timeIntervalSinceReferenceDate: at), ids.map { full[$0]! })
        }
        do {
            return try SnapshotObjects.assemble(collectedAt: collectedAt, objects: objects)
        } catch {
            throw StoreError(path: path.path, message: "snapshot \(id) cannot be read: \(error)")
        }
    }

    /// Reads only the snapshot's Azure object (`snapshot.azureID`), so its cost does not depend
    /// on the number of Kubernetes objects. Rows without `azureID` (a schema-1 store opened
    /// read-only, or a row the upgrade could not resolve) find the object through the
    /// membership, or else read the whole snapshot.
    public func snapshotWithoutInventory(id: Int64) throws -> Snapshot {
        let found = try read { db -> (collectedAt: Date, bytes: [UInt8])? in
            // Per read, not per open: a writer may upgrade the store while this reader is open.
            let hasAzureColumn = (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0) >= 2
            guard let row = try Row.fetchOne(db, sql: "SELECT collectedAt, \(hasAzureColumn ? "azureID" : "NULL") FROM snapshot WHERE id = ?",
                                             arguments: [id]) else {
                throw StoreError(path: self.path.path, message: "no snapshot with id \(id)")
            }
            let collectedAt = Date(timeIntervalSinceReferenceDate: row[0])
            guard let azureID = try (row[1] as Int64?) ?? Self.azureObjectIDFromMembership(db, snapshotID: id) else { return nil }
            guard let bytes = try Self.fullObjects(db, ids: [azureID])[azureID]?.bytes else { return nil }
            return (collectedAt, bytes)
        }
        guard let found else {
            var snapshot = try snapshot(id: id)
            snapshot.kubernetes = nil
            return snapshot
        }
        do {
            return try SnapshotObjects.decodeAzure(found.bytes, collectedAt: found.collectedAt)
        } catch {
            throw StoreError(path: path.path, message: "snapshot \(id) cannot be read: \(error)")
        }
    }

    /// The member of the snapshot with the Azure identity, when there is exactly one.
    static func azureObjectIDFromMembership(_ db: Database, snapshotID: Int64) throws -> Int64? {
        let candidates = try Int64.fetchAll(db, sql: "SELECT id FROM object WHERE identity = ?", arguments: [EncodedObject.azureIdentity])
        let members = try membership(db, snapshotID: snapshotID)
        let found = candidates.filter(members.contains)
        return found.count == 1 ? found[0] : nil
    }

    public func report(snapshotID: Int64) throws -> ScoreReport? {
        let bytes = try read { db -> [UInt8]? in
            guard let row = try Row.fetchOne(db, sql: "SELECT reportID FROM snapshot WHERE id = ?", arguments: [snapshotID]) else {
                throw StoreError(path: self.path.path, message: "no snapshot with id \(snapshotID)")
            }
            guard let reportID: Int64 = row["reportID"] else { return nil }
            return try Self.fullObjects(db, ids: [reportID])[reportID]?.bytes
        }
        guard let bytes else { return nil }
        do { return try SnapshotObjects.decodeReport(bytes) } catch {
            throw StoreError(path: path.path, message: "report of snapshot \(snapshotID) cannot be read: \(error)")
        }
    }

    /// Reads come from the main file alone because the disk was completely full when the store
    /// was opened and still is (see `FullDiskReader`); new snapshots appear once space is freed.
    public var isReadingFrozenOnFullDisk: Bool {
        if case .fullDisk(let frozen) = reader { return frozen.isFrozen }
        return false
    }

    /// A counter raised by every write transaction, from any connection or process.
    public func changeToken() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT changeCounter FROM store_state WHERE id = 1") ?? 0 }
    }

    /// A cluster by key (`ClusterKey.make`), by `resourceGroup/name`, or by name when that is unambiguous.
    public func cluster(named query: String) throws -> ClusterSummary? {
        let all = try clusters()
        let lowered = query.lowercased()
        if let byKey = all.first(where: { $0.key == lowered }) { return byKey }
        let byGroup = all.filter { "\($0.resourceGroup ?? "")/\($0.name)".lowercased() == lowered }
        if byGroup.count == 1 { return byGroup[0] }
        let byName = all.filter { $0.name == query }
        let matches = byName.isEmpty ? all.filter { $0.name.lowercased() == lowered } : byName
        if matches.count > 1 {
            throw StoreError(path: path.path, message: "cluster name \"\(query)\" is ambiguous; use one of: "
                             + matches.map { "\($0.resourceGroup ?? "-")/\($0.name)" }.joined(separator: ", "))
        }
        return matches.first
    }

    /// The newest snapshot of the cluster (by collection time, then import order).
    public func latestSnapshotID(clusterID: Int64) throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE clusterID = ? ORDER BY collectedAt DESC, id DESC LIMIT 1",
                               arguments: [clusterID])
        }
    }

    // MARK: - Opening

    static func prepareDirectory(_ directory: String, storePath: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(path: storePath, message: "cannot create directory \(directory): \(error.localizedDescription)")
            }
            // Whatever the umask did, the store's own directory is private.
            _ = chmod(directory, 0o700)
        }
        try checkDirectory(directory, storePath: storePath)
    }

    /// Another user who can write the directory could swap the store or plant its -wal file.
    static func checkDirectory(_ directory: String, storePath: String) throws {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw StoreError(path: storePath, message: "cannot read directory \(directory): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError(path: storePath, message: "\(directory) is not a directory")
        }
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            throw StoreError(path: storePath, message: "refusing a store in \(directory): the directory is writable by group or others "
                             + "(mode \(String(mode, radix: 8))); run `chmod go-w \(directory)` or choose another location")
        }
    }

    /// Creates an empty 0600 file so SQLite (which copies the main file's mode to -wal and -shm)
    /// never creates anything more open. Returns whether the file was created.
    static func createFileIfMissing(_ filePath: String) throws -> Bool {
        let fd = open(filePath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = fchmod(fd, 0o600)
            close(fd)
            return true
        }
        let code = errno
        if code == EEXIST { return false }
        throw StoreError(path: filePath, message: "cannot create the store file: \(String(cString: strerror(code)))")
    }

    /// A read-only connection. SQLite (3.22 and later) keeps the WAL index in memory where an
    /// existing -shm cannot be written (another user's file), but it fails where no -shm exists
    /// and none can be made at full size: on a read-only filesystem (opened immutable below) and
    /// on a completely full disk (`FullDiskReader`, chosen by the caller).
    static func openReadOnly(_ filePath: String, doing action: String = "open read-only") throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "aksposture.store.readonly"
        do {
            let queue = try DatabaseQueue(path: filePath, configuration: configuration)
            // Fail here rather than on first use.
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
            return queue
        } catch {
            // On a read-only filesystem SQLite can neither find nor create the WAL index (-shm)
            // of a cleanly closed store, and refuses to open it. Nobody can write there, so
            // opening it as immutable (no locks, no -shm) is exact.
            if isOnReadOnlyFilesystem(filePath), let queue = try? openImmutable(filePath) { return queue }
            throw storeError(error, path: filePath, doing: action)
        }
    }

    static func filesystemIsFull(_ filePath: String) -> Bool {
        var info = statvfs()
        guard statvfs((filePath as NSString).deletingLastPathComponent, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 64 * 1024
    }

    static func isOnReadOnlyFilesystem(_ filePath: String) -> Bool {
        var info = statvfs()
        guard statvfs((filePath as NSString).deletingLastPathComponent, &info) == 0 else { return false }
        return info.f_flag & UInt(ST_RDONLY) != 0
    }

    static func openImmutable(_ filePath: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "aksposture.store.immutable"
        let uri = URL(fileURLWithPath: filePath).absoluteString + "?immutable=1"
        let queue = try DatabaseQueue(path: uri, configuration: configuration)
        _ = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
        return queue
    }

    static func checkCompatible(_ db: Database, storePath: String, readOnly: Bool) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if applicationID != StoreSchema.applicationID {
            // Only `grdb_migrations`: another aksposture is creating this store right now (the
            // migrator commits that table before the schema); treat it as empty, the migrator
            // then waits for the creator's transaction and finds the schema in place.
            if applicationID != 0 || version != 0 || !tables.allSatisfy({ $0 == "grdb_migrations" }) {
                let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
                throw StoreError(path: storePath, message: "not an aksposture store (an SQLite database of something else: "
                                 + "application_id \(applicationID), tables: \(shown.isEmpty ? "none" : shown))")
            }
            if readOnly { throw StoreError(path: storePath, message: "not an aksposture store (empty database)") }
            return
        }
        if version > StoreSchema.version {
            throw StoreError(path: storePath, message: "store schema version \(version) is newer than this aksposture supports "
                             + "(schema version \(StoreSchema.version)); use a newer aksposture to open it")
        }
        if try StoreSchema.migrator.hasBeenSuperseded(db) {
            throw StoreError(path: storePath, message: "store was written by a newer aksposture (unknown migrations; "
                             + "store schema version \(version), this aksposture supports schema version \(StoreSchema.version))")
        }
        if readOnly && version < StoreSchema.oldestReadableVersion {
            throw StoreError(path: storePath, message: "store schema version \(version) is older than schema version "
                             + "\(StoreSchema.version); open it once without read-only to upgrade it")
        }
    }

    static func storeError(_ error: any Error, path: String, doing action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let damaged = error as? DamagedData {
            return StoreError(path: path, message: "store is damaged (\(damaged.what)); cannot \(action)")
        }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return StoreError(path: path, message: "not an aksposture store (\(error.message ?? "file is not a database"))")
            case .SQLITE_CORRUPT:
                // An SQLite file whose pages are damaged (a bad disk, a truncated copy), not a foreign file.
                return StoreError(path: path, message: "store file is damaged (\(error.message ?? "database disk image is malformed")); cannot \(action)")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StoreError(path: path, message: "store stayed busy for 10 s (another aksposture is writing?); cannot \(action)")
            case .SQLITE_READONLY:
                return StoreError(path: path, message: "store is read-only (\(error.message ?? "read-only")); cannot \(action)")
            case .SQLITE_CANTOPEN:
                return StoreError(path: path, message: "cannot open the store file (\(error.message ?? "cannot open")); cannot \(action)")
            case .SQLITE_FULL:
                return StoreError(path: path, message: "disk full; cannot \(action)")
            case .SQLITE_IOERR where filesystemIsFull(path):
                // A full disk can surface as an I/O error, e.g. when the WAL index cannot grow.
                return StoreError(path: path, message: "disk full (no space left on the filesystem holding the store; "
                                  + "\(error.message ?? "disk I/O error")); cannot \(action)")
            default:
                return StoreError(path: path, message: "cannot \(action): \(error.message ?? "\(error)")")
            }
        }
        return StoreError(path: path, message: "cannot \(action): \(error)")
    }

    // MARK: - Transactions

    private func requireWriter() throws -> any DatabaseWriter {
        guard let writer else { throw StoreError(path: path.path, message: "store was opened read-only") }
        return writer
    }

    private func write<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        let writer = try requireWriter()
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                // IMMEDIATE takes the write lock up front, so waiting for another writer goes
                // through the busy timeout instead of failing on a read-to-write upgrade.
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.storeError(error, path: path.path, doing: action)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            switch reader {
            case .sqlite(let sqlite): return try sqlite.read(body)
            case .fullDisk(let frozen): return try frozen.read(body)
            }
        } catch {
            throw Self.storeError(error, path: path.path, doing: "read")
        }
    }

    // MARK: - Objects and memberships

    static func bumpChangeCounter(_ db: Database) throws {
        try db.execute(sql: "UPDATE store_state SET changeCounter = changeCounter + 1 WHERE id = 1")
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// Ids or hashes per `IN (…)` query: small enough for any SQLite's variable limit.
    static let chunkSize = 900

    /// Runs `body` over slices of at most `chunkSize`.
    static func chunked<T>(_ values: [T], _ body: (ArraySlice<T>) throws -> Void) rethrows {
        var start = 0
        while start < values.count {
            let end = min(start + chunkSize, values.count)
            try body(values[start..<end])
            start = end
        }
    }

    /// `SELECT columns FROM object WHERE column IN (?, …)` for one chunk. Full chunks share one
    /// cached statement (compiling a 900-variable statement per chunk was a measurable part of
    /// imports and reads); the last, shorter chunk gets its own.
    static func inStatement(_ db: Database, select columns: String, where column: String, count: Int) throws -> Statement {
        let sql = "SELECT \(columns) FROM object WHERE \(column) IN (\(placeholders(count)))"
        return count == chunkSize ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }

    static func existingIDs(_ db: Database, hashes: [Data]) throws -> [Data: Int64] {
        var result: [Data: Int64] = [:]
        try chunked(hashes) { chunk in
            let statement = try inStatement(db, select: "id, hash", where: "hash", count: chunk.count)
            let rows = try Row.fetchCursor(statement, arguments: StatementArguments(Array(chunk)))
            while let row = try rows.next() { result[row[1]] = row[0] }
        }
        return result
    }

    struct Predecessor {
        var id: Int64
        var depth: Int
        var bytes: [UInt8]
    }

    /// For each object, the version of the same thing among `candidates` (an earlier snapshot's
    /// objects), if it can serve as a delta base.
    static func predecessors(_ db: Database, among candidates: Set<Int64>, for objects: [EncodedObject]) throws -> [Int64: Predecessor] {
        guard !candidates.isEmpty else { return [:] }
        let wanted = Set(objects.map(\.identity))
        var chosen: [Int64: (id: Int64, depth: Int)] = [:]
        try chunked(candidates.sorted()) { chunk in
            let statement = try inStatement(db, select: "id, identity, depth", where: "id", count: chunk.count)
            let rows = try Row.fetchCursor(statement, arguments: StatementArguments(Array(chunk)))
            while let row = try rows.next() {
                let identity: Int64 = row[1]
                let depth: Int = row[2]
                guard wanted.contains(identity), depth < maxObjectDepth, chosen[identity] == nil else { continue }
                chosen[identity] = (row[0], depth)
            }
        }
        let bytes = try fullObjects(db, ids: chosen.values.map(\.id))
        return chosen.mapValues { Predecessor(id: $0.id, depth: $0.depth, bytes: bytes[$0.id]!.bytes) }
    }

    /// Inserts a new object, as a delta against its predecessor when that saves at least half.
    /// Returns the id and the bytes it added.
    static func insertObject(_ db: Database, _ object: EncodedObject, predecessor: Predecessor?) throws -> (id: Int64, bytes: Int) {
        var body = object.bytes
        var baseID: Int64?
        var depth = 0
        if let predecessor {
            let delta = ByteDelta.make(base: predecessor.bytes, target: object.bytes)
            if delta.count * 2 <= object.bytes.count {
                body = delta
                baseID = predecessor.id
                depth = predecessor.depth + 1
            }
        }
        // Cached: one statement for the hundreds of thousands of objects of a large import.
        try db.cachedStatement(sql: "INSERT INTO object (hash, identity, baseID, depth, body) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [object.hash, object.identity, baseID, depth, Data(body)])
        return (db.lastInsertedRowID, body.count + object.hash.count)
    }

    /// Full bytes (verified against their hash) of the given objects, resolving delta chains with
    /// one query per chain level.
    static func fullObjects(_ db: Database, ids: [Int64]) throws -> [Int64: (hash: Data, bytes: [UInt8])] {
        var rows: [Int64: (hash: Data, baseID: Int64?, body: [UInt8])] = [:]
        var pending = Set(ids)
        while !pending.isEmpty {
            var next = Set<Int64>()
            try chunked(pending.sorted()) { chunk in
                let statement = try inStatement(db, select: "id, hash, baseID, body", where: "id", count: chunk.count)
                let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(Array(chunk)))
                while let row = try cursor.next() {
                    let baseID: Int64? = row[2]
                    // One copy, from SQLite's buffer straight into the array.
                    let body = try row.withUnsafeData(atIndex: 3) { [UInt8]($0 ?? Data()) }
                    rows[row[0]] = (row[1], baseID, body)
                    if let baseID { next.insert(baseID) }
                }
            }
            if let missing = pending.first(where: { rows[$0] == nil }) {
                throw DamagedData(what: "object \(missing) is missing")
            }
            pending = next.filter { rows[$0] == nil }
        }
        var full: [Int64: [UInt8]] = [:]
        func resolve(_ id: Int64, depth: Int) throws -> [UInt8] {
            if let done = full[id] { return done }
            guard depth <= maxObjectDepth + 1, let row = rows[id] else { throw DamagedData(what: "object \(id) has a broken delta chain") }
            let bytes = try row.baseID.map { try ByteDelta.apply(base: resolve($0, depth: depth + 1), delta: row.body) } ?? row.body
            full[id] = bytes
            return bytes
        }
        var result: [Int64: (hash: Data, bytes: [UInt8])] = [:]
        for id in ids {
            let bytes = try resolve(id, depth: 0)
            let hash = rows[id]!.hash
            guard Data(SHA256.hash(data: bytes)) == hash else { throw DamagedData(what: "object \(id) does not match its hash") }
            result[id] = (hash, bytes)
        }
        return result
    }

    /// A snapshot's full object set: its keyframe plus the deltas down to it.
    static func membership(_ db: Database, snapshotID: Int64) throws -> Set<Int64> {
        var chain: [Membership] = []
        var current: Int64? = snapshotID
        while let id = current {
            guard let row = try Row.fetchOne(db, sql: "SELECT baseID, membership FROM snapshot WHERE id = ?", arguments: [id]) else {
                throw DamagedData(what: "snapshot \(id) missing from a delta chain")
            }
            chain.append(try Membership.decode(row["membership"]))
            current = row["baseID"]
            if chain.count > 1_000_000 { throw DamagedData(what: "delta chain of snapshot \(snapshotID) loops") }
        }
        guard case .keyframe(let ids) = chain.removeLast() else {
            throw DamagedData(what: "delta chain of snapshot \(snapshotID) does not start with a keyframe")
        }
        var members = Set(ids)
        for record in chain.reversed() { members = apply(record, to: members) }
        return members
    }

    static func apply(_ record: Membership, to base: Set<Int64>) -> Set<Int64> {
        switch record {
        case .keyframe(let ids): return Set(ids)
        case .delta(let added, let removed):
            var members = base
            members.subtract(removed)
            members.formUnion(added)
            return members
        }
    }

    /// Deletes one snapshot row; snapshots whose delta was taken against it are re-based onto its
    /// own base, or become keyframes, so every remaining chain stays readable.
    static func deleteSnapshotRow(_ db: Database, id: Int64) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT baseID, chainLength, membership FROM snapshot WHERE id = ?", arguments: [id]) else {
            return
        }
        let children = try Row.fetchAll(db, sql: "SELECT id, membership FROM snapshot WHERE baseID = ?", arguments: [id])
        if !children.isEmpty {
            let baseID: Int64? = row["baseID"]
            let chainLength: Int = row["chainLength"]
            let baseMembership = try baseID.map { try membership(db, snapshotID: $0) }
            let own = apply(try Membership.decode(row["membership"]), to: baseMembership ?? [])
            for child in children {
                let childID: Int64 = child["id"]
                let members = apply(try Membership.decode(child["membership"]), to: own)
                if let baseID, let baseMembership {
                    try db.execute(sql: "UPDATE snapshot SET baseID = ?, chainLength = ?, membership = ? WHERE id = ?",
                                   arguments: [baseID, chainLength, Membership.diff(from: baseMembership, to: members).encoded(), childID])
                } else {
                    try db.execute(sql: "UPDATE snapshot SET baseID = NULL, chainLength = 0, membership = ? WHERE id = ?",
                                   arguments: [Membership.keyframe(members.sorted()).encoded(), childID])
                }
            }
        }
        try db.execute(sql: "DELETE FROM snapshot WHERE id = ?", arguments: [id])
    }

    /// Deletes objects no snapshot needs: not in any membership, not a report in use, and not the
    /// base of an object that is.
    static func collectGarbage(_ db: Database) throws {
        var live = Set<Int64>()
        let rows = try Row.fetchCursor(db, sql: "SELECT membership, reportID FROM snapshot")
        while let row = try rows.next() {
            live.formUnion(try Membership.decode(row["membership"]).introducedIDs)
            if let reportID: Int64 = row["reportID"] { live.insert(reportID) }
        }
        var baseOf: [Int64: Int64] = [:]
        let bases = try Row.fetchCursor(db, sql: "SELECT id, baseID FROM object WHERE baseID IS NOT NULL")
        while let row = try bases.next() { baseOf[row["id"]] = row["baseID"] }
        var stack = Array(live)
        while let id = stack.popLast() {
            if let base = baseOf[id], live.insert(base).inserted { stack.append(base) }
        }
        let dead = try Int64.fetchAll(db, sql: "SELECT id FROM object").filter { !live.contains($0) }
        try chunked(dead) { chunk in
            try db.execute(sql: "DELETE FROM object WHERE id IN (\(placeholders(chunk.count)))", arguments: StatementArguments(Array(chunk)))
        }
    }

    /// Drops a report no snapshot uses any more, and the delta bases it leaves unused.
    static func dropReportIfUnused(_ db: Database, id: Int64) throws {
        var current: Int64? = id
        while let candidate = current {
            let used = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM snapshot WHERE reportID = ?) OR EXISTS (SELECT 1 FROM object WHERE baseID = ?)
                """, arguments: [candidate, candidate]) ?? true
            if used { return }
            current = try Int64.fetchOne(db, sql: "SELECT baseID FROM object WHERE id = ?", arguments: [candidate])
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [candidate])
        }
    }

    // MARK: - Snapshot rows

    static let summaryColumns = "id, clusterID, collectedAt, importedAt, overallScore, grade, scoreAuth, scoreIdent, scoreNet, scoreSec, scoreHard, storedBytes, objectCount"

    /// Position of each column in `summaryColumns`, so rows are read by index.
    private enum SummaryColumn {
        static let names = summaryColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        static func index(_ name: String) -> Int { names.firstIndex(of: name)! }
        static let id = index("id"), clusterID = index("clusterID"), collectedAt = index("collectedAt")
        static let importedAt = index("importedAt"), overallScore = index("overallScore"), grade = index("grade")
        static let storedBytes = index("storedBytes"), objectCount = index("objectCount")
        static let categories = Category.allCases.map { ($0, index(ReportColumns.column($0))) }
    }

    /// A row of `SELECT \(summaryColumns)`.
    static func summary(_ row: Row) -> SnapshotSummary {
        var categories: [Category: Double] = [:]
        categories.reserveCapacity(SummaryColumn.categories.count)
        for (category, index) in SummaryColumn.categories {
            if let score: Double = row[index] { categories[category] = score }
        }
        let grade: String? = row[SummaryColumn.grade]
        return SnapshotSummary(id: row[SummaryColumn.id], clusterID: row[SummaryColumn.clusterID],
                               collectedAt: Date(timeIntervalSinceReferenceDate: row[SummaryColumn.collectedAt]),
                               importedAt: Date(timeIntervalSinceReferenceDate: row[SummaryColumn.importedAt]),
                               overallScore: row[SummaryColumn.overallScore], grade: grade.flatMap(Grade.init(rawValue:)),
                               categoryScores: categories, storedBytes: row[SummaryColumn.storedBytes],
                               objectCount: row[SummaryColumn.objectCount])
    }
}

/// The report values copied into the snapshot row for lists and sparklines.
struct ReportColumns {
    var overall: Double?
    var grade: Grade?
    var categories: [Category: Double]

    init(_ report: ScoreReport?) {
        overall = report?.overall.score
        grade = report?.overall.grade
        categories = [:]
        for category in report?.categories ?? [] {
            if let score = category.score { categories[category.category] = score }
        }
    }

    /// Exhaustive on purpose: a new category needs a migration adding its column.
    static func column(_ category: Category) -> String {
        switch category {
        case .auth: "scoreAuth"
        case .ident: "scoreIdent"
        case .net: "scoreNet"
        case .sec: "scoreSec"
        case .hard: "scoreHard"
        }
    }

    /// overallScore, grade, then the five category columns.
    var arguments: StatementArguments {
        var values: [(any DatabaseValueConvertible)?] = [overall, grade?.rawValue]
        for category in Category.allCases { values.append(categories[category]) }
        return StatementArguments(values)
    }
}

// MARK: - Consistency checks

extension PostureStore {
    /// Ids of every stored object.
    func storedObjectIDs() throws -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM object")) }
    }

    /// The objects the stored snapshots need, found the slow way: every snapshot's full
    /// membership by replaying its chain, its report, and the delta bases of all of those.
    func objectIDsNeededByReplay() throws -> Set<Int64> {
        try read { db in
            var needed = Set<Int64>()
            for row in try Row.fetchAll(db, sql: "SELECT id, reportID FROM snapshot") {
                needed.formUnion(try Self.membership(db, snapshotID: row["id"]))
                if let reportID: Int64 = row["reportID"] { needed.insert(reportID) }
            }
            var frontier = Array(needed)
            while let id = frontier.popLast() {
                if let base = try Int64.fetchOne(db, sql: "SELECT baseID FROM object WHERE id = ?", arguments: [id]), needed.insert(base).inserted {
                    frontier.append(base)
                }
            }
            return needed
        }
    }
}
