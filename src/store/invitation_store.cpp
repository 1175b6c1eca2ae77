#include "store/invitation_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "store/connection_pool.hpp"
#include "store/mail_queue.hpp"
#include "store/random_id.hpp"
#include "store/sql_time.hpp"

namespace regdesk::store {

namespace q {
constexpr const char* kInsert =
    "INSERT INTO invitations (event_id, code, organization, name, email, email_key, locale,"
    " max_uses, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kList =
    "SELECT i.id, i.code, i.organization, COALESCE(i.email_key, ''), i.max_uses, i.uses,"
    " i.expires_at, i.name, COALESCE(i.email, ''), i.created_at, i.created_by,"
    " (SELECT COUNT(*) FROM registrations r WHERE r.invitation_id = i.id)"
    " FROM invitations i WHERE i.event_id = ? ORDER BY i.id";
constexpr const char* kInvitedAlready =
    "SELECT id FROM invitations WHERE event_id = ? AND email_key = ?";
constexpr const char* kQueueMail =
    "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, invitation_id,"
    " due_at, created_at) VALUES (?, '', 'invitation', ?, ?, ?, ?)";
constexpr const char* kGiveBack =
    "UPDATE invitations i JOIN registrations r ON r.invitation_id = i.id"
    " SET i.uses = i.uses - 1 WHERE r.id = ? AND i.uses > 0";
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
constexpr size_t kCodeLength = 12;   // 60 bits: not to be guessed, short enough to type
}  // namespace q

namespace {

// Inserts one invitation under a fresh code (a code already taken, however unlikely, is drawn
// again); returns its id.
long long insert_invitation(sql::Connection& c, long long event_id, Invitation& inv,
                            const std::string& name, const std::string& email,
                            const std::string& locale, Instant now, const std::string& by) {
  for (int attempt = 0;; ++attempt) {
    inv.code = random_code(q::kCodeLength);
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kInsert));
    st->setInt64(1, event_id);
    st->setString(2, inv.code);
    st->setString(3, inv.organization);
    st->setString(4, name);
    if (email.empty()) {
      st->setNull(5, 0);
      st->setNull(6, 0);
    } else {
      st->setString(5, email);
      st->setString(6, inv.email_key);
    }
    st->setString(7, locale);
    if (inv.max_uses)
      st->setInt(8, *inv.max_uses);
    else
      st->setNull(8, 0);
    if (inv.expires_at)
      st->setString(9, to_sql_time(*inv.expires_at));
    else
      st->setNull(9, 0);
    st->setString(10, to_sql_time(now));
    st->setString(11, by);
    try {
      st->executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == q::kDuplicateKey && attempt < 3 && email.empty()) continue;
      throw;
    }
    std::unique_ptr<sql::Statement> id(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(id->executeQuery("SELECT LAST_INSERT_ID()"));
    rs->next();
    inv.id = rs->getInt64(1);
    return inv.id;
  }
}

}  // namespace

InvitationRow InvitationStore::create(long long event_id, const NewInvitation& spec, Instant now,
                                      const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    InvitationRow row;
    row.invitation.organization = spec.organization;
    row.invitation.max_uses = spec.max_uses;
    row.invitation.expires_at = spec.expires_at;
    row.created_at = now;
    row.created_by = audit.actor;
    insert_invitation(c, event_id, row.invitation, "", "", "ja", now, audit.actor);
    AuditEntry entry = audit;
    entry.target = row.invitation.code;
    nlohmann::json detail = {{"organization", spec.organization}};
    if (spec.max_uses) detail["max_uses"] = *spec.max_uses;
    entry.detail_json = detail.dump();
    append_audit(c, entry);
    return row;
  });
}

std::vector<InvitationRow> InvitationStore::list(long long event_id) {
  return with_connection(pool_, [&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kList));
    st->setInt64(1, event_id);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    std::vector<InvitationRow> out;
    while (rs->next()) {
      InvitationRow r;
      r.invitation.id = rs->getInt64(1);
      r.invitation.code = rs->getString(2);
      r.invitation.organization = rs->getString(3);
      r.invitation.email_key = rs->getString(4);
      if (!rs->isNull(5)) r.invitation.max_uses = rs->getInt(5);
      r.invitation.uses = rs->getInt(6);
      r.invitation.expires_at = optional_sql_time(*rs, 7);
      r.name = rs->getString(8);
      r.email = rs->getString(9);
      r.created_at = from_sql_time(rs->getString(10));
      r.created_by = rs->getString(11);
      r.registrations = rs->getInt(12);
      out.push_back(std::move(r));
    }
    return out;
  });
}

ImportResult InvitationStore::import(long long event_id, const std::vector<Invitee>& invitees,
                                     const std::optional<Instant>& expires_at, Instant now,
                                     const AuditEntry& audit) {
  return in_transaction(pool_, [&](sql::Connection& c) {
    ImportResult result;
    for (const auto& person : invitees) {
      std::unique_ptr<sql::PreparedStatement> seen(c.prepareStatement(q::kInvitedAlready));
      seen->setInt64(1, event_id);
      seen->setString(2, person.email_key);
      if (std::unique_ptr<sql::ResultSet> rs(seen->executeQuery()); rs->next()) {
        result.already_invited.push_back(person.email);
        continue;
      }
      Invitation inv;
      inv.organization = person.organization;
      inv.email_key = person.email_key;
      inv.max_uses = 1;
      inv.expires_at = expires_at;
      long long id = insert_invitation(c, event_id, inv, person.name, person.email,
                                       person.locale, now, audit.actor);
      std::unique_ptr<sql::PreparedStatement> mail(c.prepareStatement(q::kQueueMail));
      mail->setInt64(1, event_id);
      mail->setString(2, "invitation:" + std::to_string(id));
      mail->setInt64(3, id);
      mail->setString(4, to_sql_time(now));
      mail->setString(5, to_sql_time(now));
      mail->executeUpdate();
      ++result.created;
    }
    AuditEntry entry = audit;
    entry.detail_json = nlohmann::json{{"invited", result.created},
                                       {"already_invited", result.already_invited.size()}}
                            .dump();
    append_audit(c, entry);
    return result;
  });
}

void give_back_invitation_use(sql::Connection& c, long long registration_id) {
  std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(q::kGiveBack));
  st->setInt64(1, registration_id);
  st->executeUpdate();
}

}  // namespace regdesk::store
