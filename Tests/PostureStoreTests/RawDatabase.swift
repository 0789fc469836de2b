import Foundation
import GRDB

/// Direct SQL on a store file, for tests that tamper with it behind the store's back.
enum RawDatabase {
    static func execute(_ path: URL, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path.path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }

    static func int(_ path: URL, _ sql: String) throws -> Int? {
        let queue = try DatabaseQueue(path: path.path)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql) }
    }
}
