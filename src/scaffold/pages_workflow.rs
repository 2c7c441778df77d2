//! The GitHub Actions workflow that publishes a site on GitHub Pages. Accord's own repository
//! uses it for the example site, and `accord init` writes it into a new site; the two differ
//! only in how they get the `accord` binary (a test keeps the repository's copy in step).

/// Where the workflow gets Accord from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccordFrom {
    /// Built from the checked-out repository (Accord's own example site).
    ThisRepository,
    /// Installed with `cargo install` from Accord's repository (a site made by `accord init`).
    Install,
}

/// Accord's source repository, for `cargo install --git`.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The workflow's text. GitHub Pages gives the site's address (a project site's sub-path, or
/// a custom domain) through `actions/configure-pages`; the build uses it as `--base-url`.
pub fn pages_workflow(from: AccordFrom) -> String {
    let build = match from {
        AccordFrom::ThisRepository => "      - name: Build the site\n        run: cargo run --release --locked -- build --base-url \"${{ steps.pages.outputs.base_url }}/\"\n".to_string(),
        AccordFrom::Install => format!(
            "      - name: Install Accord\n        run: cargo install --locked --git {REPOSITORY} accord\n      - name: Build the site\n        run: accord build --base-url \"${{{{ steps.pages.outputs.base_url }}}}/\"\n"
        ),
    };
    format!(
        r#"# Publish the site on GitHub Pages on every push to main.
# In the repository's Settings > Pages, set "Source" to "GitHub Actions".
name: Publish on GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits rather than cancelling one in progress.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: pages
        uses: actions/configure-pages@v6
      - uses: Swatinem/rust-cache@v2
{build}      - uses: actions/upload-pages-artifact@v5
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's workflow is this function's output; to update it after a change here,
    /// run this test with `ACCORD_BLESS=1`.
    #[test]
    fn the_repository_workflow_is_the_one_init_writes_but_for_the_install_step() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.github/workflows/pages.yml");
        let expected = pages_workflow(AccordFrom::ThisRepository);
        if std::env::var_os("ACCORD_BLESS").is_some() {
            std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "{path} is out of date: run with ACCORD_BLESS=1"
        );
        let installed = pages_workflow(AccordFrom::Install);
        assert!(installed.contains(
            "cargo install --locked --git https://github.com/accord-briefs/accord accord"
        ));
        assert!(
            installed.contains("accord build --base-url \"${{ steps.pages.outputs.base_url }}/\"")
        );
        assert!(expected.contains("cargo run --release --locked -- build --base-url \"${{ steps.pages.outputs.base_url }}/\""));
    }
}
