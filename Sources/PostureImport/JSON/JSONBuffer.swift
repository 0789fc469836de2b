import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw bytes of one JSON document, owned for as long as any node refers to them.
///
/// Nodes of a `JSONDocument` are byte ranges into this buffer (strings are decoded only when asked
/// for), so the buffer is a class whose storage outlives every view of it. Files are read straight
/// into the allocation, without an intermediate `Data`.
public final class JSONBuffer: @unchecked Sendable {
    // Immutable after init; the pointer is never handed out mutable.
    public let bytes: UnsafeRawBufferPointer
    private let storage: UnsafeMutableRawPointer

    private init(storage: UnsafeMutableRawPointer, count: Int) {
        self.storage = storage
        self.bytes = UnsafeRawBufferPointer(start: storage, count: count)
    }

    deinit { storage.deallocate() }

    public var count: Int { bytes.count }

    public convenience init(copying data: Data) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.withUnsafeBytes { src in
            if let base = src.baseAddress, src.count > 0 { storage.copyMemory(from: base, byteCount: src.count) }
        }
        self.init(storage: storage, count: data.count)
    }

    public convenience init(copying bytes: [UInt8]) {
        self.init(copying: Data(bytes))
    }

    /// Reads a whole file. `displayName` is the name used in errors (bundle-relative).
    public static func read(contentsOf url: URL, displayName: String) throws -> JSONBuffer {
        let fd = open(url.path, O_RDONLY)
        if fd < 0 {
            throw ImportError(file: displayName, path: "$", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ImportError(file: displayName, path: "$", message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw ImportError(file: displayName, path: "$", message: "is a directory, expected a JSON file")
        }
        // One byte more than the file: the read that returns 0 (end of file) then finds room and
        // the buffer is never grown. With exactly `st_size` bytes the buffer was full before that
        // last read, so every file was copied into a second allocation twice its size: the whole
        // import peaked at 2x the file during the read alone.
        let expected = Int(st.st_size)
        var capacity = max(expected, 0) + 1
        var storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var filled = 0
        while true {
            if filled == capacity {
                // The file grew while we read it (or st_size was 0 for a pipe): grow the buffer.
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: storage, byteCount: filled)
                storage.deallocate()
                storage = bigger
                capacity *= 2
            }
            let n = Glibc_read(fd, storage + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                storage.deallocate()
                throw ImportError(file: displayName, path: "$", message: "cannot read: \(message)")
            }
            if n == 0 { break }
            filled += n
        }
        return JSONBuffer(storage: storage, count: filled)
    }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buf, count)
    #else
    return Darwin.read(fd, buf, count)
    #endif
}
