// `vaultctl doc upload|download|get|list`: documents, their content streamed
// from and to files or standard input and output.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `doc ...`; only one subcommand runs, so they share fields.
struct DocOptions {
  std::string id;
  std::string project;
  std::string client;
  std::string case_id;
  std::string title;
  std::string kind;
  std::string content_type;
  std::string file;
  std::string output;
  int64_t offset = 0;
  int64_t length = 0;
  Paging paging;
};

// Guesses a MIME type from a file name's extension.
std::string GuessContentType(const std::string& path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"md", "text/markdown"},
      {"csv", "text/csv"},
      {"html", "text/html"},
      {"htm", "text/html"},
      {"xml", "application/xml"},
      {"json", "application/json"},
      {"rtf", "application/rtf"},
      {"eml", "message/rfc822"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"bmp", "image/bmp"},
      {"heic", "image/heic"},
      {"svg", "image/svg+xml"},
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"},
      {"webm", "video/webm"},
      {"mkv", "video/x-matroska"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"wav", "audio/wav"},
      {"ogg", "audio/ogg"},
      {"doc", "application/msword"},
      {"docx",
       "application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx",
       "application/"
       "vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"odp", "application/vnd.oasis.opendocument.presentation"},
      {"asice", "application/vnd.etsi.asic-e+zip"},
      {"bdoc", "application/vnd.etsi.asic-e+zip"},
      {"zip", "application/zip"},
      {"gz", "application/gzip"},
      {"7z", "application/x-7z-compressed"},
  };
  const std::string name = std::filesystem::path(path).filename().string();
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot + 1 < name.size()) {
    std::string ext = name.substr(dot + 1);
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return std::string(type);
    }
  }
  return "application/octet-stream";
}

int RunUpload(const Globals& g, const DocOptions& a, const VaultClient& vc) {
  hoidla::v1::Document header;
  header.set_project_id(a.project);
  header.set_client_id(a.client);
  header.set_case_id(a.case_id);
  header.set_title(a.title);
  header.set_kind(a.kind);
  const bool from_stdin = a.file == "-";
  header.set_content_type(!a.content_type.empty() ? a.content_type
                          : from_stdin            ? "application/octet-stream"
                                                  : GuessContentType(a.file));
  absl::StatusOr<hoidla::v1::Document> result;
  if (from_stdin) {
    result = vc.UploadDocument(header, std::cin);
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(a.file, ec)) {
      return UsageError(StrCat("FILE: '", a.file, "' is a directory"));
    }
    std::ifstream in(a.file, std::ios::binary);
    if (!in) return UsageError(StrCat("FILE: cannot open '", a.file, "'"));
    result = vc.UploadDocument(header, in);
  }
  return Show(g, result, &PrintDocument);
}

int RunDownload(const Globals& g, const DocOptions& a, const VaultClient& vc) {
  hoidla::v1::DownloadDocumentRequest req;
  req.set_id(a.id);
  req.set_offset(a.offset);
  req.set_length(a.length);
  if (a.output.empty() || a.output == "-") {
    // Document content could carry terminal control sequences.
    if (::isatty(STDOUT_FILENO)) {
      return UsageError(
          "refusing to write document content to a terminal; use -o FILE or "
          "redirect stdout");
    }
    absl::StatusOr<hoidla::v1::Document> result = vc.DownloadDocument(req, std::cout);
    if (!result.ok()) return RpcError(result.status());
    return Finish();
  }
  return Show(g, vc.DownloadDocumentToFile(req, a.output), &PrintDocument);
}

}  // namespace

void AddDocCommands(CLI::App* app, const Globals& g, Selection* selection) {
  DocOptions& a = NewOptions<DocOptions>(selection);
  CLI::App* doc = app->add_subcommand("doc", "Documents");
  doc->require_subcommand(1);

  CLI::App* upload = Leaf(doc, "upload", "Upload a document (prints its id first)", selection,
                          [&g, &a](const VaultClient& vc) { return RunUpload(g, a, vc); });
  upload->add_option("FILE", a.file, "File to upload, or - for standard input")->required();
  upload->add_option("--project", a.project, "Project id (prj_...)")->required();
  upload->add_option("--client", a.client, "Client id (cli_...)")->required();
  upload->add_option("--case", a.case_id, "Case id (cas_...), optional");
  upload->add_option("--title", a.title, "Document title")->required();
  upload->add_option("--kind", a.kind, "What the document is, e.g. consent_scan")->required();
  upload->add_option("--content-type", a.content_type,
                     "MIME type (default: guessed from the file extension, else "
                     "application/octet-stream)");

  CLI::App* download =
      Leaf(doc, "download",
           "Download a document's content (to -o FILE, "
           "atomically, printing its metadata; "
           "or to standard output, printing nothing else)",
           selection, [&g, &a](const VaultClient& vc) { return RunDownload(g, a, vc); });
  download->add_option("ID", a.id, "Document id (doc_...)")->required();
  download->add_option("-o,--output", a.output,
                       "Output file (written as FILE.part, renamed when complete); default "
                       "or - : standard output");
  download->add_option("--offset", a.offset, "First byte of the range (default 0)");
  download->add_option("--length", a.length, "Bytes in the range (default 0: to the end)");

  CLI::App* get =
      Leaf(doc, "get", "Show a document's metadata", selection, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetDocumentRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetDocument(req), &PrintDocument);
      });
  get->add_option("ID", a.id, "Document id (doc_...)")->required();

  CLI::App* list = Leaf(doc, "list", "List documents: id, kind, size, content type, title",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListDocumentsRequest req;
                          if (!a.client.empty()) req.set_client_id(a.client);
                          if (!a.case_id.empty()) req.set_case_id(a.case_id);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListDocuments(req), &PrintDocuments);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--client", a.client, "Documents of this client (cli_...)");
  scope->add_option("--case", a.case_id, "Documents of this case (cas_...)");
  scope->require_option(1);
  AddPaging(list, &a.paging);
}

}  // namespace hoidla::vaultctl
