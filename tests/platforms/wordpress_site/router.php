<?php
/*
 * php -S's router: what WordPress's .htaccess rewrite does under Apache. Existing files are
 * served as they are; every other path (pretty permalinks, robots.txt, wp-sitemap.xml) goes
 * to index.php.
 */

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
