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

    /// A copy of `bytes` (one streamed value cut out of a file window).
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let base = bytes.baseAddress, bytes.count > 0 { storage.copyMemory(from: base, byteCount: bytes.count) }
        self.init(storage: storage, count: bytes.count)
    }

    /// Reads a whole file. `displayName` is the name used in errors (bundle-relative).
    public static func read(contentsOf url: URL, displayName: String) throws -> JSONBuffer {
        let fd = try JSONFile.openDescriptor(url, displayName: displayName)
        defer { close(fd) }
        return try read(fd: fd, displayName: displayName)
    }

    /// Reads `fd` from its current position to the end. With `giveUp`, the descriptor is polled
    /// and the read abandoned (an error) once `giveUp` says so: a pipe whose writer never closes
    /// it would otherwise block the read forever.
    static func read(fd: Int32, displayName: String, giveUp: (() -> Bool)? = nil) throws -> JSONBuffer {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ImportError(file: displayName, path: "$", message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        // One byte more than the file: the read that returns 0 (end of file) then finds room and
        // the buffer is never grown. With exactly `st_size` bytes the buffer was full before that
        // last read, so every file was copied into a second allocation twice its size: the whole
        // import peaked at 2x the file during the read alone.
        let expected = Int(st.st_size)
        var capacity = max(expected, 0) + 1
        var storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var filled = 0
        func failure(_ message: String) -> ImportError {
            storage.deallocate()
            return ImportError(file: displayName, path: "$", message: message)
        }
        while true {
            if filled == capacity {
                // The file grew while we read it (or st_size was 0 for a pipe): grow the buffer.
                storage = doubled(storage, holding: filled, capacity: &capacity)
            }
            if let giveUp {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, 200)
                if ready < 0 && errno != EINTR { throw failure("cannot read: \(String(cString: strerror(errno)))") }
                if ready <= 0 {
                    if giveUp() { throw failure("output still open; reading abandoned") }
                    continue
                }
            }
            let n = Glibc_read(fd, storage + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            filled += n
        }
        return JSONBuffer(storage: storage, count: filled)
    }
}

/// A new allocation twice `capacity` holding the first `used` bytes of `storage`, which is freed.
private func doubled(_ storage: UnsafeMutableRawPointer, holding used: Int, capacity: inout Int) -> UnsafeMutableRawPointer {
    let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
    bigger.copyMemory(from: storage, byteCount: used)
    storage.deallocate()
    capacity *= 2
    return bigger
}

/// A JSON file opened to be streamed: `JSONReader.streamObject(_:JSONFile…)` reads it through a
/// window that slides forward, so a multi-gigabyte `kubectl get … -o json` List is never in
/// memory as a whole (only the window, each item while its handler runs, and what it keeps).
public final class JSONFile {
    private let fd: Int32
    /// Name used in errors (bundle-relative).
    public let displayName: String
    /// Bytes read from the file so far: its size once it has been streamed to the end or read whole.
    public private(set) var byteCount = 0
    private var streamedBytes = 0

    public init(contentsOf url: URL, displayName: String) throws {
        self.fd = try JSONFile.openDescriptor(url, displayName: displayName)
        self.displayName = displayName
    }

    deinit { close(fd) }

    /// The whole file in one buffer (from its first byte), for documents that are not streamed.
    public func readWhole() throws -> JSONBuffer {
        try rewind()
        let buffer = try JSONBuffer.read(fd: fd, displayName: displayName)
        streamedBytes = buffer.count
        byteCount = max(byteCount, buffer.count)
        return buffer
    }

    /// Restarts sequential reading at the first byte. Nothing to do before the first read, so a
    /// file that cannot seek (a pipe) can still be read once.
    func rewind() throws {
        guard streamedBytes > 0 else { return }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            throw ImportError(file: displayName, path: "$", message: "cannot seek: \(String(cString: strerror(errno)))")
        }
        streamedBytes = 0
    }

    /// Reads up to `count` bytes into `into`; 0 at the end of the file.
    func readSome(into: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let n = Glibc_read(fd, into, count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError(file: displayName, path: "$", message: "cannot read: \(String(cString: strerror(errno)))")
            }
            streamedBytes += n
            byteCount = max(byteCount, streamedBytes)
            return n
        }
    }

    static func openDescriptor(_ url: URL, displayName: String) throws -> Int32 {
        let fd = open(url.path, O_RDONLY)
        if fd < 0 {
            throw ImportError(file: displayName, path: "$", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ImportError(file: displayName, path: "$", message: "cannot stat: \(message)")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ImportError(file: displayName, path: "$", message: "is a directory, expected a JSON file")
        }
        return fd
    }
}

/// The part of a `JSONFile` the parser is looking at. Bytes before the value being parsed are
/// dropped as the window slides; a value longer than the window doubles it.
final class JSONWindow {
    static let defaultCapacity = 4 << 20

    let file: JSONFile
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Valid bytes in `storage`.
    private(set) var count = 0
    /// File offset of `storage[0]`.
    private(set) var origin = 0
    /// The file's last byte is in the window.
    private(set) var atEnd = false

    init(file: JSONFile, capacity: Int) throws {
        self.file = file
        self.capacity = max(capacity, 1)
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
        try file.rewind()
        try fill()
    }

    deinit { storage.deallocate() }

    /// Drops the bytes before `keep` (they move to the start), then reads until the window is
    /// full or the file ends. A window already full from `keep` on doubles first.
    func slide(keepingFrom keep: Int) throws {
        precondition(keep >= 0 && keep <= count)
        if keep > 0 {
            memmove(storage, storage + keep, count - keep)
            count -= keep
            origin += keep
        }
        if count == capacity { storage = doubled(storage, holding: count, capacity: &capacity) }
        try fill()
    }

    private func fill() throws {
        while count < capacity && !atEnd {
            let n = try file.readSome(into: storage + count, count: capacity - count)
            if n == 0 { atEnd = true } else { count += n }
        }
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
