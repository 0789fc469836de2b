import GRDB

/// The store's tables. Every schema change is a new migration that also raises `user_version`,
/// so an older binary can tell a newer store apart and refuse it instead of misreading it.
enum StoreSchema {
    /// Raise with every migration.
    static let version = 1
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
        return migrator
    }
}
