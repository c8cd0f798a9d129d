// Puppeteer config: never download a browser (npm ci must work offline from the registry alone);
// use system Chromium. Install it with: apt-get install -y chromium fonts-wqy-microhei
module.exports = {
  skipDownload: true,
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
};
