#include "store/account_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

#include "domain/text.hpp"
#include "store/connection_pool.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kUserColumns =
    "SELECT u.id, u.email, u.role, u.event_slugs, u.password_hash, COALESCE(u.totp_secret, ''),"
    " u.disabled_at IS NOT NULL, u.created_at";
constexpr const char* kInsertUser =
    "INSERT INTO organiser_users (email, email_key, role, event_slugs, password_hash,"
    " totp_secret, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?)";
constexpr const char* kAcceptStep =
    "UPDATE organiser_users SET totp_last_step = ?"
    " WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)";
constexpr const char* kEndSessionsOf =
    "UPDATE organiser_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL";
constexpr const char* kInsertSession =
    "INSERT INTO organiser_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at,"
    " client) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kSession =
    ", s.csrf_token, s.created_at, s.last_seen_at, s.ended_at IS NOT NULL"
    " FROM organiser_sessions s JOIN organiser_users u ON u.id = s.user_id WHERE s.id_hash = ?";
constexpr const char* kTouch =
    "UPDATE organiser_sessions SET last_seen_at = ?"
    " WHERE id_hash = ? AND last_seen_at < ? AND ended_at IS NULL";
constexpr const char* kEndSession =
    "UPDATE organiser_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL";
constexpr const char* kInsertToken =
    "INSERT INTO api_tokens (token_hash, name, role, event_slugs, expires_at, created_at,"
    " created_by) VALUES (?, ?, ?, ?, NULLIF(?, ''), ?, ?)";
constexpr const char* kTokenColumns =
    "SELECT id, name, role, event_slugs, COALESCE(expires_at, ''), created_at, created_by,"
    " revoked_at IS NOT NULL FROM api_tokens ";
}  // namespace q

namespace {

constexpr int kDuplicateKey = 1062;

UserRecord read_user(sql::ResultSet& rs) {
  UserRecord u;
  u.id = rs.getInt64(1);
  u.email = rs.getString(2);
  u.role = role_from(rs.getString(3)).value_or(Role::kViewer);
  u.events = split_slugs(rs.getString(4));
  u.password_hash = rs.getString(5);
  u.totp_secret = rs.getString(6);
  u.disabled = rs.getBoolean(7);
  u.created_at = from_sql_time(rs.getString(8));
  return u;
}

TokenRecord read_token(sql::ResultSet& rs) {
  TokenRecord t;
  t.id = rs.getInt64(1);
  t.name = rs.getString(2);
  t.role = role_from(rs.getString(3)).value_or(Role::kViewer);
  t.events = split_slugs(rs.getString(4));
  std::string expires = rs.getString(5);
  if (!expires.empty()) t.expires_at = from_sql_time(expires);
  t.created_at = from_sql_time(rs.getString(6));
  t.created_by = rs.getString(7);
  t.revoked = rs.getBoolean(8);
  return t;
}

}  // namespace

std::optional<long long> AccountStore::add_user(const NewUser& user, Instant now,
                                                const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) -> std::optional<long long> {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kInsertUser));
    st->setString(1, user.email);
    st->setString(2, text::ascii_lower(user.email));
    st->setString(3, role_name(user.role));
    st->setString(4, join_slugs(user.events));
    st->setString(5, user.password_hash);
    st->setString(6, user.totp_secret);
    st->setString(7, to_sql_time(now));
    try {
      st->executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == kDuplicateKey) return std::nullopt;
      throw;
    }
    std::unique_ptr<sql::Statement> last(c.createStatement());
    std::unique_ptr<sql::ResultSet> id(last->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    append_audit(c, audit);
    return id->getInt64(1);
  });
}

std::vector<UserRecord> AccountStore::users() {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        std::string(q::kUserColumns) + " FROM organiser_users u ORDER BY u.id"));
    std::vector<UserRecord> out;
    while (rs->next()) out.push_back(read_user(*rs));
    return out;
  });
}

std::optional<UserRecord> AccountStore::user_by_email(const std::string& email) {
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<UserRecord> {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(
        std::string(q::kUserColumns) + " FROM organiser_users u WHERE u.email_key = ?"));
    st->setString(1, text::ascii_lower(email));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_user(*rs);
  });
}

AccountStore::ChangeOutcome AccountStore::change_user(long long id, const UserChange& change,
                                                      Instant now, const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    std::string sets;
    auto add = [&](const char* column) { sets += (sets.empty() ? "" : ", ") + std::string(column); };
    if (change.role) add("role = ?");
    if (change.events) add("event_slugs = ?");
    if (change.disabled) add("disabled_at = IF(?, COALESCE(disabled_at, ?), NULL)");
    if (change.password_hash) add("password_hash = ?");
    {
      // Every owner row locked: two owners demoting each other at once cannot both succeed.
      std::unique_ptr<sql::Statement> owners(c.createStatement());
      std::unique_ptr<sql::ResultSet> locked(owners->executeQuery(
          "SELECT id FROM organiser_users WHERE role = 'owner' AND disabled_at IS NULL FOR UPDATE"));
      int active_owners = 0;
      bool target_is_owner = false;
      while (locked->next()) {
        ++active_owners;
        target_is_owner |= locked->getInt64(1) == id;
      }
      std::unique_ptr<sql::PreparedStatement> exists(
          c.prepareStatement("SELECT id FROM organiser_users WHERE id = ? FOR UPDATE"));
      exists->setInt64(1, id);
      std::unique_ptr<sql::ResultSet> rs(exists->executeQuery());
      if (!rs->next()) return ChangeOutcome::kNoSuchUser;
      const bool stops_owning = (change.role && *change.role != Role::kOwner) ||
                                (change.disabled && *change.disabled);
      if (target_is_owner && stops_owning && active_owners == 1) return ChangeOutcome::kLastOwner;
    }
    if (!sets.empty()) {
      std::unique_ptr<sql::PreparedStatement> st(
          c.prepareStatement("UPDATE organiser_users SET " + sets + " WHERE id = ?"));
      int p = 1;
      if (change.role) st->setString(p++, role_name(*change.role));
      if (change.events) st->setString(p++, join_slugs(*change.events));
      if (change.disabled) {
        st->setBoolean(p++, *change.disabled);
        st->setString(p++, to_sql_time(now));
      }
      if (change.password_hash) st->setString(p++, *change.password_hash);
      st->setInt64(p++, id);
      st->executeUpdate();
    }
    // A new password or a disabled account must not leave a stolen session running; a new
    // role or event list applies to running sessions at their next request anyway.
    if ((change.disabled && *change.disabled) || change.password_hash) {
      std::unique_ptr<sql::PreparedStatement> end(c.prepareStatement(q::kEndSessionsOf));
      end->setString(1, to_sql_time(now));
      end->setInt64(2, id);
      end->executeUpdate();
    }
    append_audit(c, audit);
    return ChangeOutcome::kChanged;
  });
}

bool AccountStore::accept_totp_step(long long user_id, int64_t step) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kAcceptStep));
    st->setInt64(1, step);
    st->setInt64(2, user_id);
    st->setInt64(3, step);
    return st->executeUpdate() == 1;
  });
}

void AccountStore::start_session(const std::string& id_hash, long long user_id,
                                 const std::string& csrf_token, const std::string& client,
                                 Instant now, const AuditEntry& audit) {
  in_transaction(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kInsertSession));
    st->setString(1, id_hash);
    st->setInt64(2, user_id);
    st->setString(3, csrf_token);
    st->setString(4, to_sql_time(now));
    st->setString(5, to_sql_time(now));
    st->setString(6, client);
    st->executeUpdate();
    append_audit(c, audit);
  });
}

std::optional<SessionRecord> AccountStore::session(const std::string& id_hash) {
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<SessionRecord> {
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kUserColumns) + q::kSession));
    st->setString(1, id_hash);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (!rs->next()) return std::nullopt;
    SessionRecord s;
    s.user = read_user(*rs);
    s.csrf_token = rs->getString(9);
    s.created_at = from_sql_time(rs->getString(10));
    s.last_seen_at = from_sql_time(rs->getString(11));
    s.ended = rs->getBoolean(12);
    return s;
  });
}

void AccountStore::touch_session(const std::string& id_hash, Instant now) {
  with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kTouch));
    st->setString(1, to_sql_time(now));
    st->setString(2, id_hash);
    st->setString(3, to_sql_time(now - std::chrono::minutes(1)));
    st->executeUpdate();
  });
}

void AccountStore::end_session(const std::string& id_hash, Instant now, const AuditEntry& audit) {
  in_transaction(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kEndSession));
    st->setString(1, to_sql_time(now));
    st->setString(2, id_hash);
    st->executeUpdate();
    append_audit(c, audit);
  });
}

long long AccountStore::create_token(const NewToken& t, const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kInsertToken));
    st->setString(1, t.token_hash);
    st->setString(2, t.name);
    st->setString(3, role_name(t.role));
    st->setString(4, join_slugs(t.events));
    st->setString(5, t.expires_at ? to_sql_time(*t.expires_at) : "");
    st->setString(6, to_sql_time(t.now));
    st->setString(7, t.created_by);
    st->executeUpdate();
    std::unique_ptr<sql::Statement> last(c.createStatement());
    std::unique_ptr<sql::ResultSet> id(last->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    append_audit(c, audit);
    return id->getInt64(1);
  });
}

std::optional<TokenRecord> AccountStore::token_by_hash(const std::string& token_hash) {
  return with_connection(pool_, [&](sql::Connection& c) -> std::optional<TokenRecord> {
    std::unique_ptr<sql::PreparedStatement> st(
        c.prepareStatement(std::string(q::kTokenColumns) + "WHERE token_hash = ?"));
    st->setString(1, token_hash);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_token(*rs);
  });
}

std::vector<TokenRecord> AccountStore::tokens() {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery(std::string(q::kTokenColumns) + "ORDER BY id"));
    std::vector<TokenRecord> out;
    while (rs->next()) out.push_back(read_token(*rs));
    return out;
  });
}

}  // namespace regdesk::store
