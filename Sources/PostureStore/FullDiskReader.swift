import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a store on a completely full disk.
///
/// A WAL reader needs the WAL index (`-shm`, 32 KB), and SQLite cannot create or grow it without
/// free space, so a normal read-only open fails there. A cleanly closed store (no `-wal`, or an
/// empty one) is entirely in its main file, which `immutable=1` reads without the index. Immutable
/// reads take no locks, so a writer that resumes once space is freed could checkpoint into the
/// file during a read. Every read therefore checks the main file (device, inode, size, change
/// times) and the `-wal` (absent or empty) before and after; on any change the store is opened
/// normally (or immutable again, if the disk is still full and the store clean) and the read is
/// repeated. Once a normal open works, every later read uses it.
final class FullDiskReader: @unchecked Sendable {
    /// What a checkpoint or a writer would change.
    struct FileState: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: [Int]
        var changed: [Int]

        /// The main file's state, or nil when it cannot be read frozen: a `-wal` holds frames
        /// (committed data an immutable open would not see, or a checkpoint may be running).
        static func current(_ filePath: String) -> FileState? {
            var wal = stat()
            if stat(filePath + "-wal", &wal) == 0, wal.st_size > 0 { return nil }
            var st = stat()
            guard stat(filePath, &st) == 0 else { return nil }
            return FileState(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                             modified: [st.st_mtim.tv_sec, st.st_mtim.tv_nsec],
                             changed: [st.st_ctim.tv_sec, st.st_ctim.tv_nsec])
        }
    }

    let filePath: String
    private let lock = NSLock()
    private var live: DatabaseQueue?
    private var frozen: (queue: DatabaseQueue, state: FileState)?

    /// Nil unless the store can be read frozen (its `-wal` is absent or empty).
    init?(filePath: String) {
        self.filePath = filePath
        guard let opened = Self.openFrozen(filePath) else { return nil }
        frozen = opened
    }

    /// An immutable connection and the file state it was opened at, when the store can be read frozen.
    private static func openFrozen(_ filePath: String) -> (queue: DatabaseQueue, state: FileState)? {
        guard let state = FileState.current(filePath), let queue = try? PostureStore.openImmutable(filePath),
              FileState.current(filePath) == state else { return nil }
        return (queue, state)
    }

    /// Whether reads come from the frozen main file (the disk is still full).
    var isFrozen: Bool {
        lock.lock(); defer { lock.unlock() }
        return live == nil
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        for _ in 0..<4 {
            if let live { return try live.read(body) }
            guard let (queue, state) = frozen, FileState.current(filePath) == state else {
                try reopen()
                continue
            }
            do {
                let result = try queue.read(body)
                if FileState.current(filePath) == state { return result }
            } catch {
                // An error while the file was being changed under the read says nothing about the store.
                if FileState.current(filePath) == state { throw error }
            }
            try reopen()
        }
        throw StoreError(path: filePath, message: "the store kept changing while being read on a full disk; try again")
    }

    private func reopen() throws {
        frozen = nil
        do {
            live = try PostureStore.openReadOnly(filePath)
        } catch {
            guard PostureStore.filesystemIsFull(filePath), let opened = Self.openFrozen(filePath) else { throw error }
            frozen = opened
        }
    }
}
