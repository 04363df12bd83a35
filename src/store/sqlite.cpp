// RAII over sqlite3* and sqlite3_stmt*, and the checks made when a file is opened.
// Knows no table: schemas and migrations live in schema.cpp and their owners.
#include "ilnp/store/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

namespace ilnp::store {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// SQLite's message, and the operating system's when SQLite has one: "unable
// to open database file" alone does not tell a missing directory from EACCES.
std::string describe(sqlite3* db) {
  std::string text = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (db != nullptr) {
    if (int e = sqlite3_system_errno(db); e != 0) text += std::string(" (") + std::strerror(e) + ")";
  }
  return text;
}

int code_of(sqlite3* db) { return db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_NOMEM; }

[[noreturn]] void fail(sqlite3* db, const fs::path& file, std::string_view doing) {
  throw StoreError(std::string(doing) + " " + quoted(file) + ": " + describe(db), code_of(db));
}

[[noreturn]] void fail_errno(std::string_view doing, const fs::path& p, int e) {
  throw StoreError(std::string(doing) + " " + quoted(p) + ": " + std::strerror(e));
}

// mkdir -p, with `mode` for the directories it creates (chmod'ed, so the
// umask cannot widen or narrow a state directory that holds a secret key).
void ensure_directory(const fs::path& dir, unsigned mode) {
  if (dir.empty()) return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw StoreError(quoted(dir) + " exists and is not a directory");
    return;
  }
  // ENOTDIR: some ancestor is a file; the walk up finds and names it.
  if (errno != ENOENT && errno != ENOTDIR) fail_errno("cannot examine directory", dir, errno);
  if (dir.has_parent_path() && dir.parent_path() != dir) ensure_directory(dir.parent_path(), mode);
  if (::mkdir(dir.c_str(), static_cast<mode_t>(mode)) != 0) {
    if (errno == EEXIST) return;  // created meanwhile by another process
    fail_errno("cannot create directory", dir, errno);
  }
  if (::chmod(dir.c_str(), static_cast<mode_t>(mode)) != 0) fail_errno("cannot set permissions of", dir, errno);
}

// Creates the file empty with exactly `mode` unless it exists (SQLite would
// create it with 0644, and its -wal and -shm files copy the main file's mode).
void create_if_missing(const fs::path& file, unsigned mode) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    if (errno == EEXIST) return;
    fail_errno("cannot create", file, errno);
  }
  const int chmod_rc = ::fchmod(fd, static_cast<mode_t>(mode));
  const int chmod_errno = errno;
  ::close(fd);
  if (chmod_rc != 0) fail_errno("cannot set permissions of", file, chmod_errno);
}

}  // namespace

// ---- Query ----

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::check_bind(int rc, int index) const {
  if (rc == SQLITE_OK) return;
  sqlite3* db = sqlite3_db_handle(stmt_);
  throw StoreError(
      "cannot bind parameter " + std::to_string(index) + " of `" + sqlite3_sql(stmt_) + "`: " + sqlite3_errmsg(db), rc);
}

Query& Query::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Query& Query::bind(int index, std::string_view text) {
  if (text.size() > INT_MAX) throw StoreError("text parameter too long");
  check_bind(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT), index);
  return *this;
}

Query& Query::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  if (bytes.size() > INT_MAX) throw StoreError("blob parameter too long");
  // A zero-length blob from a null pointer would bind NULL: keep it a blob.
  static constexpr std::uint8_t kEmpty = 0;
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  check_bind(sqlite3_bind_blob(stmt_, index, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT), index);
  return *this;
}

Query& Query::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

bool Query::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  const char* file = sqlite3_db_filename(db, "main");
  throw StoreError(std::string("SQLite error on '") + (file != nullptr ? file : "") + "': " + describe(db) + " (in `" +
                       sqlite3_sql(stmt_) + "`)",
                   sqlite3_extended_errcode(db));
}

void Query::run() {
  while (step()) {
  }
}

bool Query::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Query::int64_at(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::vector<std::uint8_t> Query::blob_at(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

// ---- Connection ----

void Connection::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void Connection::Finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Connection::Connection(std::filesystem::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const std::filesystem::path& file, FileModes modes,
                            std::chrono::milliseconds busy_timeout) {
  const fs::path dir = file.parent_path();
  ensure_directory(dir, modes.directory);
  // SQLite creates state.db-wal and state.db-shm beside the file: say so
  // plainly rather than leave it to "unable to open database file" later.
  if (::access(dir.empty() ? "." : dir.c_str(), W_OK | X_OK) != 0)
    throw StoreError("directory " + quoted(dir.empty() ? fs::path(".") : dir) + " of " + quoted(file) +
                     " is not writable (" + std::strerror(errno) + ")");
  create_if_missing(file, modes.file);

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection c(file, raw);  // owns raw from here on, even on failure
  if (rc != SQLITE_OK) fail(raw, file, "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  // SQLITE_OPEN_READWRITE silently falls back to read-only on a write-protected file.
  if (sqlite3_db_readonly(raw, "main") == 1)
    throw StoreError(quoted(file) + " is not writable (check its owner and permissions)");
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));

  // The first read of the file: a file that is not a database, or one whose
  // pages are damaged, stops here, before anything is written to it.
  std::vector<std::string> problems;
  try {
    auto q = c.query("PRAGMA quick_check");
    while (q.step()) problems.push_back(q.text_at(0));
  } catch (const StoreError& e) {
    throw StoreError(quoted(file) + " cannot be read as an SQLite database (" + describe(raw) +
                         "). The file was left untouched; restore it from a backup or move it aside.",
                     e.sqlite_code());
  }
  if (!(problems.size() == 1 && problems.front() == "ok")) {
    std::string text;
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i) text += (i != 0 ? "; " : "") + problems[i];
    throw StoreError(quoted(file) + " is corrupt (PRAGMA quick_check: " + text +
                         "). The file was left untouched; restore it from a backup or move it aside.",
                     SQLITE_CORRUPT);
  }
  // Per connection, not stored in the file. NORMAL in WAL mode: a commit
  // survives the process being killed; only a power loss can undo the last
  // commits, and never corrupts the file.
  c.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  return c;
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : describe(db_.get());
    sqlite3_free(error);
    throw StoreError("SQLite error on " + quoted(path_) + ": " + message + " (in `" + text + "`)",
                     sqlite3_extended_errcode(db_.get()));
  }
}

Query Connection::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    if (sql.size() > INT_MAX) throw StoreError("SQL text too long");
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK)
      throw StoreError("cannot prepare `" + std::string(sql) + "` on " + quoted(path_) + ": " + describe(db_.get()),
                       sqlite3_extended_errcode(db_.get()));
    it = statements_.emplace(std::string(sql), std::unique_ptr<sqlite3_stmt, Finalizer>(stmt)).first;
  }
  return Query(it->second.get());
}

std::int64_t Connection::query_int64(std::string_view sql) {
  auto q = query(sql);
  if (!q.step()) throw StoreError("`" + std::string(sql) + "` returned no row");
  return q.int64_at(0);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

std::int64_t Connection::changes() const { return sqlite3_changes64(db_.get()); }

// ---- Transaction ----

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing is left to undo.
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  open_ = false;
}

}  // namespace ilnp::store
