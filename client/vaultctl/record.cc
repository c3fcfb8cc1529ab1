// `vaultctl record create|update|get|versions|list|sign`: the assessment
// records of a case, their versions and signature events. A record's
// content is read from a protobuf JSON file before connecting
// (vaultctl_record.h).
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"
#include "client/vaultctl_record.h"
#include "google/protobuf/util/time_util.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `record ...`; only one subcommand runs, so they share fields.
struct RecordOptions {
  std::string id;
  std::string case_id;
  std::string client;
  std::string kind;
  std::string file;
  hoidla::v1::RecordContent content;  // read from --file before connecting
  std::string change_note;
  uint32_t expected_version = 0;
  uint32_t version = 0;
  std::string from_time;
  std::string until_time;
  Paging paging;
  std::string role;
  std::string signer_name;
  std::string participant_id;
  std::string scan_document;
  std::string signature_reference;
};

// Reads and parses the --file of `record create|update` into a.content.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.RecordContent in protobuf JSON; 0 on success.
int LoadRecordFile(RecordOptions& a) {
  absl::StatusOr<std::string> text = ReadWholeFile("--file", a.file);
  if (!text.ok()) return UsageError(View(text.status().message()));
  absl::StatusOr<hoidla::v1::RecordContent> content = ParseRecordContentJson(*text);
  if (!content.ok()) {
    return UsageError(StrCat("--file: '", a.file, "': ", View(content.status().message())));
  }
  a.content = *std::move(content);
  return 0;
}

}  // namespace

void AddRecordCommands(CLI::App* app, const Globals& g, Selection* selection) {
  RecordOptions& a = NewOptions<RecordOptions>(selection);
  CLI::App* record =
      app->add_subcommand("record",
                          "Assessment records of a case: form parts and instruments, versioned, "
                          "with signature events");
  record->require_subcommand(1);

  constexpr char kFileHelp[] =
      "File holding the content, a hoidla.v1.RecordContent in the protobuf "
      "JSON mapping (one form part, e.g. {\"casePlan\": {...}}; see "
      "doc/records-forms.md)";
  constexpr char kChangeNoteHelp[] =
      "Why this version was made (required to correct signed minutes)";

  CLI::App* create =
      Leaf(record, "create", "Create a record in a case (prints it, id first, with its content)",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::CreateRecordRequest req;
             req.mutable_record()->set_case_id(a.case_id);
             *req.mutable_record()->mutable_content() = a.content;
             req.mutable_record()->set_change_note(a.change_note);
             return Show(g, vc.CreateRecord(req), &PrintRecord);
           });
  create->add_option("--case", a.case_id, "Case id (cas_...)")->required();
  create->add_option("--file", a.file, kFileHelp)->required();
  create->add_option("--change-note", a.change_note, kChangeNoteHelp);

  CLI::App* update = Leaf(record, "update",
                          "Record a new version with new content of the same kind (exit 20 "
                          "ABORTED when --expected-version is no longer current)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::UpdateRecordRequest req;
                            req.set_id(a.id);
                            req.set_expected_version(a.expected_version);
                            *req.mutable_content() = a.content;
                            req.set_change_note(a.change_note);
                            return Show(g, vc.UpdateRecord(req), &PrintRecord);
                          });
  update->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  update
      ->add_option("--expected-version", a.expected_version,
                   "The version the new one replaces (the current version)")
      ->required();
  update->add_option("--file", a.file, kFileHelp)->required();
  update->add_option("--change-note", a.change_note, kChangeNoteHelp);
  for (CLI::App* sub : {create, update}) {
    // Read the file before connecting: a bad file sends nothing.
    sub->preparse_callback(
        [selection, &a](size_t) { selection->prepare = [&a] { return LoadRecordFile(a); }; });
  }

  CLI::App* get =
      Leaf(record, "get", "Show a version of a record", selection, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetRecordRequest req;
        req.set_id(a.id);
        req.set_version(a.version);
        return Show(g, vc.GetRecord(req), &PrintRecord);
      });
  get->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  get->add_option("--version", a.version, "Version to show (default: the current one)");

  CLI::App* versions = Leaf(record, "versions",
                            "List every version of a record, oldest first: id, version, updated "
                            "at, updated by, signatures, locked, change note",
                            selection, [&g, &a](const VaultClient& vc) {
                              hoidla::v1::ListRecordVersionsRequest req;
                              req.set_id(a.id);
                              return ShowList(g, vc.ListRecordVersions(req), &PrintRecordVersions);
                            });
  versions->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();

  CLI::App* list =
      Leaf(record, "list",
           "List a case's or a client's records (current versions): id, kind, "
           "version, case, created at, updated at, updated by, locked",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListRecordsRequest req;
             if (!a.case_id.empty() && !a.client.empty()) {
               return UsageError("--case and --client: give exactly one");
             }
             if (!a.case_id.empty()) req.set_case_id(a.case_id);
             if (!a.client.empty()) req.set_client_id(a.client);
             req.set_kind(a.kind);
             for (auto [text, field, name] :
                  {std::tuple{&a.from_time, req.mutable_created_from(), "--from"},
                   std::tuple{&a.until_time, req.mutable_created_until(), "--until"}}) {
               if (text->empty()) continue;
               if (!google::protobuf::util::TimeUtil::FromString(*text, field)) {
                 return UsageError(StrCat(name, ": not an RFC 3339 time"));
               }
             }
             if (a.from_time.empty()) req.clear_created_from();
             if (a.until_time.empty()) req.clear_created_until();
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListRecords(req), &PrintRecords);
           });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--case", a.case_id, "Records of this case (cas_...)");
  scope->add_option("--client", a.client, "Records of this client (cli_...)");
  scope->require_option(1);
  list->add_option("--kind", a.kind, "Only records of this kind, e.g. case_plan");
  list->add_option("--from", a.from_time,
                   "Only records created from this time on (RFC 3339, "
                   "inclusive)");
  list->add_option("--until", a.until_time,
                   "Only records created before this time (RFC 3339, "
                   "exclusive)");
  AddPaging(list, &a.paging);

  CLI::App* sign = Leaf(record, "sign",
                        "Record a signature event on the current version (prints the record "
                        "with its signatures; exit 20 ABORTED when --version is not current)",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::SignRecordRequest req;
                          req.set_id(a.id);
                          req.set_version(a.version);
                          hoidla::v1::Signature* s = req.mutable_signature();
                          s->set_role(a.role);
                          s->set_signer_name(a.signer_name);
                          s->set_participant_id(a.participant_id);
                          if (!a.scan_document.empty()) {
                            s->set_method(hoidla::v1::SIGNATURE_METHOD_PAPER);
                            s->set_scan_document_id(a.scan_document);
                          } else {
                            s->set_method(hoidla::v1::SIGNATURE_METHOD_DIGITAL);
                            s->set_signature_reference(a.signature_reference);
                          }
                          return Show(g, vc.SignRecord(req), &PrintRecord);
                        });
  sign->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  sign->add_option("--version", a.version, "The version signed (the current one)")->required();
  sign->add_option("--role", a.role,
                   "Who signed, as the form names them: client, "
                   "case_manager, network_member, minute_taker, participant")
      ->required();
  sign->add_option("--signer-name", a.signer_name, "The signer's name")->required();
  CLI::Option_group* how = sign->add_option_group("method", "Exactly one of");
  how->add_option("--scan-document", a.scan_document,
                  "Signed on paper: the scan, a document of the client "
                  "(doc_...)");
  how->add_option("--signature-reference", a.signature_reference,
                  "Signed digitally: the signed container's reference");
  how->require_option(1);
  sign->add_option("--participant-id", a.participant_id,
                   "Meeting minutes: the participant_id of the minute-taker "
                   "or participant who signed");
}

}  // namespace hoidla::vaultctl
