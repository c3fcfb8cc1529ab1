// `vaultctl disclosure create|list|review`: disclosures without consent
// under a legal basis, and their review by the data protection officer.
#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `disclosure ...`; only one subcommand runs, so they share
// fields.
struct DisclosureOptions {
  std::string id;
  std::string org;
  std::string client;
  std::string case_id;
  std::string recipient_org;
  std::string legal_basis;
  std::string justification;
  std::vector<std::string> items;
  int32_t valid_hours = 0;
  bool pending_only = false;
  std::string outcome;
  std::string note;
  Paging paging;
};

// Maps --legal-basis of `disclosure create` to the enum.
hoidla::v1::LegalBasis ParseLegalBasis(const std::string& text) {
  if (text == "danger_to_others") return hoidla::v1::LEGAL_BASIS_DANGER_TO_OTHERS;
  if (text == "crime") return hoidla::v1::LEGAL_BASIS_CRIME;
  if (text == "danger_to_client") return hoidla::v1::LEGAL_BASIS_DANGER_TO_CLIENT;
  if (text == "court_or_prosecutor_request")
    return hoidla::v1::LEGAL_BASIS_COURT_OR_PROSECUTOR_REQUEST;
  return hoidla::v1::LEGAL_BASIS_UNSPECIFIED;
}

// Maps --outcome of `disclosure review` to the enum.
hoidla::v1::DisclosureReview ParseReviewOutcome(const std::string& text) {
  if (text == "upheld") return hoidla::v1::DISCLOSURE_REVIEW_UPHELD;
  if (text == "rejected") return hoidla::v1::DISCLOSURE_REVIEW_REJECTED;
  return hoidla::v1::DISCLOSURE_REVIEW_UNSPECIFIED;
}

}  // namespace

void AddDisclosureCommands(CLI::App* app, const Globals& g, Selection* selection) {
  DisclosureOptions& a = NewOptions<DisclosureOptions>(selection);
  CLI::App* disclosure =
      app->add_subcommand("disclosure",
                          "Disclosures without consent under a legal basis, and their review by "
                          "the data protection officer");
  disclosure->require_subcommand(1);

  CLI::App* create = Leaf(disclosure, "create",
                          "Release named items of a client to an organisation without consent "
                          "(prints the disclosure, id first; it enters the review queue)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::DiscloseWithoutConsentRequest req;
                            hoidla::v1::Disclosure* d = req.mutable_disclosure();
                            d->set_client_id(a.client);
                            d->set_case_id(a.case_id);
                            d->set_recipient_organization_id(a.recipient_org);
                            d->set_legal_basis(ParseLegalBasis(a.legal_basis));
                            d->set_justification(a.justification);
                            for (const std::string& item : a.items) d->add_item_ids(item);
                            d->set_valid_hours(a.valid_hours);
                            return Show(g, vc.DiscloseWithoutConsent(req), &PrintDisclosure);
                          });
  create->add_option("--client", a.client, "Client id (cli_...)")->required();
  create->add_option("--case", a.case_id, "Case the items belong to (cas_...), optional");
  create
      ->add_option("--recipient-org", a.recipient_org,
                   "Organisation that may fetch the items (org_...)")
      ->required();
  create->add_option("--legal-basis", a.legal_basis, "The legal basis")
      ->required()
      ->check(CLI::IsMember(
          {"danger_to_others", "crime", "danger_to_client", "court_or_prosecutor_request"}));
  create
      ->add_option("--justification", a.justification,
                   "Why the release is necessary (20-4000 characters)")
      ->required();
  create->add_option("--item", a.items, "Id of a document or record released; repeat for several")
      ->required();
  create
      ->add_option("--valid-hours", a.valid_hours,
                   "How long the release lasts, in hours (1 to 168)")
      ->required();

  CLI::App* list = Leaf(disclosure, "list",
                        "List an organisation's disclosures, newest first: id, review, legal "
                        "basis, client, recipient, items, valid until, created by",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListDisclosuresRequest req;
                          req.set_organization_id(a.org);
                          req.set_pending_only(a.pending_only);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListDisclosures(req), &PrintDisclosures);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  list->add_flag("--pending-only", a.pending_only,
                 "Only those not reviewed yet (the review queue)");
  AddPaging(list, &a.paging);

  CLI::App* review = Leaf(disclosure, "review",
                          "Record the data protection officer's review of a disclosure (a "
                          "rejected release ends at once)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReviewDisclosureRequest req;
                            req.set_id(a.id);
                            req.set_review(ParseReviewOutcome(a.outcome));
                            req.set_note(a.note);
                            return Show(g, vc.ReviewDisclosure(req), &PrintDisclosure);
                          });
  review->add_option("DISCLOSURE_ID", a.id, "Disclosure id (dsc_...)")->required();
  review->add_option("--outcome", a.outcome, "upheld (lawful) or rejected")
      ->required()
      ->check(CLI::IsMember({"upheld", "rejected"}));
  review->add_option("--note", a.note, "The reviewer's note");
}

}  // namespace hoidla::vaultctl
