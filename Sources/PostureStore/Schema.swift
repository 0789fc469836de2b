import GRDB

/// The store's tables. Every schema change is a new migration that also raises `user_version`,
/// so an older binary can tell a newer store apart and refuse it instead of misreading it.
enum StoreSchema {
    /// Raise with every migration.
    static let version = 2
    /// The oldest schema a read-only open still reads (with slower paths where a later migration
    /// added what a fast path needs). A read-only open cannot upgrade, and a wall-screen kiosk
    /// opens read-only: it keeps working until the next writer upgrades the store.
    static let oldestReadableVersion = 1
    /// `PRAGMA application_id`: "AKSP".
    static let applicationID: Int32 = 0x414B_5350

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                -- Bumped by every write transaction; polled by dashboards (changeToken).
                CREATE TABLE store_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    changeCounter INTEGER NOT NULL
                );
                INSERT INTO store_state (id, changeCounter) VALUES (1, 0);

                CREATE TABLE cluster (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,          -- ClusterKey.make
                    name TEXT NOT NULL,
                    resourceGroup TEXT,
                    location TEXT
                );

                -- Content-addressed objects. body is the full bytes (tag byte + canonical JSON) when
                -- baseID is NULL, else a ByteDelta against the full bytes of object baseID.
                CREATE TABLE object (
                    id INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,         -- SHA-256 of the full bytes
                    identity INTEGER NOT NULL,         -- what the object is a version of
                    baseID INTEGER REFERENCES object(id) DEFERRABLE INITIALLY DEFERRED,
                    depth INTEGER NOT NULL,            -- delta chain length to a full body
                    body BLOB NOT NULL
                );
                CREATE INDEX object_by_base ON object(baseID);

                -- membership is a keyframe (all object ids) when baseID is NULL, else the ids added
                -- and removed since snapshot baseID. Times are seconds since 2001-01-01 UTC, the
                -- Foundation reference date, so a Date reads back exactly.
                CREATE TABLE snapshot (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    clusterID INTEGER NOT NULL REFERENCES cluster(id),
                    collectedAt REAL NOT NULL,
                    importedAt REAL NOT NULL,
                    baseID INTEGER REFERENCES snapshot(id),
                    chainLength INTEGER NOT NULL,
                    membership BLOB NOT NULL,
                    objectCount INTEGER NOT NULL,
                    storedBytes INTEGER NOT NULL,
                    reportID INTEGER REFERENCES object(id),
                    overallScore REAL,
                    grade TEXT,
                    scoreAuth REAL,
                    scoreIdent REAL,
                    scoreNet REAL,
                    scoreSec REAL,
                    scoreHard REAL
                );
                CREATE INDEX snapshot_by_cluster ON snapshot(clusterID, collectedAt);
                CREATE INDEX snapshot_by_base ON snapshot(baseID);
                CREATE INDEX snapshot_by_report ON snapshot(reportID);

                PRAGMA application_id = \(applicationID);
                PRAGMA user_version = 1;
                """)
        }
        // The snapshot's Azure object (the cluster without its inventory), so the overview and
        // the kiosk read one object instead of reassembling hundreds of thousands.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE snapshot ADD COLUMN azureID INTEGER REFERENCES object(id);
                -- Object deletion checks this foreign key; without an index every delete scans snapshot.
                CREATE INDEX snapshot_by_azure ON snapshot(azureID);
                """)
            try StoreSchema.backfillAzureIDs(db)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        return migrator
    }
}

extension StoreSchema {
    /// Sets `snapshot.azureID` for rows written before the column existed. The Azure object of a
    /// snapshot is the member whose identity is the Azure identity key; only those candidate ids
    /// are followed through each snapshot's membership chain, so no full membership set is built.
    /// A row where exactly one candidate is not found keeps NULL and is read the slow way.
    static func backfillAzureIDs(_ db: Database) throws {
        let candidates = Set(try Int64.fetchAll(db, sql: "SELECT id FROM object WHERE identity = ?",
                                                arguments: [EncodedObject.azureIdentity]))
        guard !candidates.isEmpty else { return }
        var rows: [Int64: (baseID: Int64?, membership: Membership)] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, baseID, membership FROM snapshot")
        while let row = try cursor.next() {
            guard let membership = try? Membership.decode(row[2]) else { continue }
            rows[row[0]] = (row[1], membership)
        }
        // Candidate members per snapshot, memoized along chains (each record decoded once).
        var members: [Int64: Set<Int64>] = [:]
        func candidateMembers(_ id: Int64) throws -> Set<Int64> {
            if let done = members[id] { return done }
            // Walk down to a keyframe or a computed base, then come back up.
            var chain: [Int64] = []
            var current: Int64? = id
            while let at = current, members[at] == nil {
                guard let row = rows[at] else { throw DamagedData(what: "snapshot \(at) missing from a delta chain") }
                chain.append(at)
                if chain.count > rows.count { throw DamagedData(what: "delta chain of snapshot \(id) loops") }
                current = row.baseID
            }
            var set = current.flatMap { members[$0] } ?? []
            for at in chain.reversed() {
                switch rows[at]!.membership {
                case .keyframe(let ids): set = Set(ids.lazy.filter(candidates.contains))
                case .delta(let added, let removed):
                    guard rows[at]!.baseID != nil else { throw DamagedData(what: "snapshot \(at) is a delta without a base") }
                    set.subtract(removed)
                    set.formUnion(added.lazy.filter(candidates.contains))
                }
                members[at] = set
            }
            return set
        }
        let update = try db.makeStatement(sql: "UPDATE snapshot SET azureID = ? WHERE id = ?")
        for id in rows.keys.sorted() {
            // A damaged chain fails to read either way; it must not stop the upgrade of the rest.
            guard let found = try? candidateMembers(id), found.count == 1 else { continue }
            try update.execute(arguments: [found.first!, id])
        }
    }
}
