// A thin RAII layer over the SQLite C API: one connection, its cached prepared
// statements, transactions, errors as exceptions. Knows no table and no schema.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ilnp::store {

// Every failure of the store: the message names the file and carries SQLite's
// own message; sqlite_code() is SQLite's extended result code, or 0 when the
// error is ours (a newer schema, an identity conflict, an unusable directory).
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, int sqlite_code = 0)
      : std::runtime_error(what), sqlite_code_(sqlite_code) {}
  [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }

 private:
  int sqlite_code_;
};

// Permissions for a database file created by open() and for any directory it
// has to create on the way (existing ones are left as they are).
struct FileModes {
  unsigned directory{0700};
  unsigned file{0600};
};

// One use of a prepared statement: bind, step, read columns. The destructor
// resets the statement, so that no read snapshot is held open by accident
// (an open snapshot would stop WAL checkpoints).
class Query {
 public:
  explicit Query(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Parameters are numbered from 1, as in SQL (?1, ?2, ...).
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view text);
  Query& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Query& bind_null(int index);

  // Advances to the next row: true when a row is available, false when done.
  [[nodiscard]] bool step();
  // Steps until done (for statements that return no rows).
  void run();

  // Columns are numbered from 0.
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t int64_at(int column) const;
  [[nodiscard]] std::string text_at(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> blob_at(int column) const;

 private:
  void check_bind(int rc, int index) const;
  sqlite3_stmt* stmt_;
};

// One connection to one database file. Not thread-safe: one thread uses a
// connection at a time (another thread may take it over, e.g. a writer thread).
class Connection {
 public:
  // Opens the database file, creating it empty (mode `modes.file`) and any
  // missing parent directory (mode `modes.directory`) if needed. Refuses a file
  // it cannot write, and one that is corrupt (`PRAGMA quick_check`) or not a
  // database; writes nothing to the file. Sets the connection's busy timeout,
  // synchronous=NORMAL and foreign keys; the journal mode (persistent, a write)
  // is left to open_with_schema(), after the schema version was checked.
  static Connection open(const std::filesystem::path& file, FileModes modes,
                         std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // The cached prepared statement for `sql` (prepared on first use).
  [[nodiscard]] Query query(std::string_view sql);
  // A single integer from a statement returning one row (e.g. a PRAGMA).
  [[nodiscard]] std::int64_t query_int64(std::string_view sql);
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  // Rows changed by the latest INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  Connection(std::filesystem::path path, sqlite3* db);

  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_ so that statements are finalized before the close.
  // Looked up by SQL text only (without building a std::string); never iterated.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>, TextHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, so a busy
// database waits in the busy handler instead of failing at the first write);
// commit() makes it durable; destruction without commit rolls back.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool open_{true};
};

}  // namespace ilnp::store
